import type { Table } from './ruleset.js'

// Firewall managers write recognisable chains, and each has its own switch for logging; a raw rule
// added beside them is lost when they rewrite the ruleset (ufw reload, firewall-cmd --reload).
//   ufw:       ufw-before-input … (ip6tables: ufw6-before-input …), LOG prefix "[UFW BLOCK] "
//   firewalld: iptables backend INPUT_ZONES / IN_<zone>; nftables backend table `inet firewalld`
//   Docker:    DOCKER-USER, DOCKER, DOCKER-ISOLATION-STAGE-1/2 in the filter table's FORWARD

export type Toolkit = 'ufw' | 'firewalld' | 'docker'

/** Returns the firewall managers whose chains `table` holds. */
export function toolkitsOf(table: Table): Toolkit[] {
  const names = [...table.chains.keys()]
  const out: Toolkit[] = []
  if (names.some((n) => /^ufw6?-before-input$/.test(n))) out.push('ufw')
  if ((table.tool === 'nftables' && table.name === 'firewalld') || names.includes('INPUT_ZONES')) out.push('firewalld')
  if (names.includes('DOCKER-USER') || names.includes('DOCKER')) out.push('docker')
  return out
}
