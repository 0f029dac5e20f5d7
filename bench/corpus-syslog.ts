import { Actor } from './corpus-actor.js'
import type { Rng } from './corpus-random.js'
import { ipv4 } from './corpus-render.js'
import type { Site } from './corpus-sites.js'

// The ordinary syslog traffic between firewall lines: sshd brute force, cron, systemd, DHCP and a
// kernel message that is not a packet. None of it carries `IN=… OUT=`.

const USERS = ['root', 'admin', 'test', 'oracle', 'ubuntu', 'pi', 'git', 'postgres', 'user', 'guest']

/** A host's ordinary (non-firewall) syslog messages, scattered over the window. */
export class SyslogNoise extends Actor {
  constructor(rng: Rng, site: Site, count: number, span: number) {
    super(rng, site, count, { kind: 'spread', span })
  }

  protected packet(i: number): string {
    const r = this.rng
    const h = this.site.head
    const ip = ipv4(((r.int(1, 223) << 24) | r.int(0, 0xffffff)) >>> 0)
    const pid = 1000 + r.int(0, 60000)
    switch (r.int(0, 7)) {
      case 0:
        return `${h.program(this.t, `sshd[${pid}]`)}Failed password for invalid user ${r.pick(USERS)} from ${ip} port ${r.int(1024, 65535)} ssh2`
      case 1:
        return `${h.program(this.t, `sshd[${pid}]`)}Connection closed by authenticating user root ${ip} port ${r.int(1024, 65535)} [preauth]`
      case 2:
        return `${h.program(this.t, `sshd[${pid}]`)}Disconnected from invalid user ${r.pick(USERS)} ${ip} port ${r.int(1024, 65535)} [preauth]`
      case 3:
        return `${h.program(this.t, `CRON[${pid}]`)}(root) CMD (   cd / && run-parts --report /etc/cron.hourly)`
      case 4:
        return `${h.program(this.t, 'systemd[1]')}Started Session ${i + 1} of User ${r.pick(USERS)}.`
      case 5:
        return `${h.program(this.t, `dhclient[${pid}]`)}DHCPREQUEST for 192.168.1.${r.int(2, 250)} on eth1 to 192.168.1.1 port 67`
      case 6:
        return `${h.program(this.t, 'kernel')}e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx`
      default:
        return `${h.program(this.t, `sshd[${pid}]`)}Accepted publickey for ${r.pick(USERS)} from ${ip} port ${r.int(1024, 65535)} ssh2: ED25519 SHA256:${i.toString(36)}`
    }
  }
}
