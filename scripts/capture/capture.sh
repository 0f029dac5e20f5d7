#!/usr/bin/env bash
# Records real kernel firewall log output of real scans (nmap, nping, hping3) against network
# namespaces, written by a real rsyslog/journald/ulogd, into test fixtures. Run as root.
set -euo pipefail

CAPTURE_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lab.sh
source "$CAPTURE_HOME/lab.sh"
# shellcheck source=collect.sh
source "$CAPTURE_HOME/collect.sh"
# shellcheck source=scenarios.sh
source "$CAPTURE_HOME/scenarios.sh"
# shellcheck source=readme.sh
source "$CAPTURE_HOME/readme.sh"

usage() {
  local entry name rest
  cat <<USAGE
usage: capture.sh [--out DIR] SCENARIO... | all

Writes DIR/<scenario>.log for each scenario (DIR defaults to test/fixtures/captures).
"all" also regenerates DIR/README.md. Needs root; see scripts/capture/README.md.

scenarios:
USAGE
  for entry in "${SCENARIO_LIST[@]}"; do
    name="${entry%%|*}" rest="${entry#*|}"
    printf '  %-22s %s\n' "$name" "${rest#*|}"
  done
}

scenario_known() {
  local entry
  for entry in "${SCENARIO_LIST[@]}"; do [[ "${entry%%|*}" == "$1" ]] && return 0; done
  return 1
}

main() {
  local out="$CAPTURE_HOME/../../test/fixtures/captures" all=0 names=() entry name
  while (($#)); do
    case "$1" in
      -h | --help) usage; exit 0 ;;
      --out) (($# >= 2)) || die "--out needs a directory"; out="$2"; shift 2 ;;
      all) all=1; shift ;;
      -*) die "unknown option '$1' (see --help)" ;;
      *) scenario_known "$1" || die "unknown scenario '$1' (see --help)"; names+=("$1"); shift ;;
    esac
  done
  if ((all)); then
    names=()
    for entry in "${SCENARIO_LIST[@]}"; do names+=("${entry%%|*}"); done
  fi
  ((${#names[@]})) || { usage >&2; exit 2; }
  mkdir -p "$out"
  out="$(cd "$out" && pwd)"

  local tools=(ip:iproute2 ss:iproute2 iptables:iptables ip6tables:iptables nft:nftables
    rsyslogd:rsyslog nmap:nmap nping:nmap hping3:hping3 socat:socat conntrack:conntrack
    flock:util-linux unshare:util-linux xargs:findutils hostname:hostname)
  [[ " ${names[*]} " == *" fmt-journal"* ]] &&
    tools+=(journalctl:systemd /lib/systemd/systemd-journald:systemd)
  [[ " ${names[*]} " == *" fmt-ulogd "* ]] && tools+=(ulogd:ulogd2)
  [[ " ${names[*]} " == *" fmt-dmesg"* ]] && tools+=(dmesg:util-linux)
  [[ " ${names[*]} " == *-de\ * || " ${names[*]} " == *-fr\ * || " ${names[*]} " == *-es\ * || " ${names[*]} " == *-zh\ * || " ${names[*]} " == *-ja\ * ]] &&
    tools+=(localedef:locales)
  lab_require "${tools[@]}"
  lab_init

  local start=$SECONDS t0 summary=()
  for name in "${names[@]}"; do
    SCENARIO="$name"
    log "$name: running"
    t0=$SECONDS
    lab_up
    "scn_${name//-/_}"
    capture_finish "$out/$name.log"
    lab_down
    summary+=("$(printf '%-22s %5d lines %4d s' "$name" "$(wc -l <"$out/$name.log")" $((SECONDS - t0)))")
  done
  if ((all)); then
    write_readme "$out"
    log "wrote $out/README.md"
  fi
  printf 'capture: %s\n' "${summary[@]}" >&2
  log "done: ${#names[@]} scenario(s) in $((SECONDS - start)) s"
}

main "$@"
