# shellcheck shell=bash
# shellcheck disable=SC2034,SC2016  # variables are read by the files sourcing this one; single quotes are deliberate
# The capture lab: two network namespaces joined by a veth pair, a firewall in the target, and
# teardown of everything we create. Sourced by capture.sh; needs root.
#
#   scanner ns  eth0 02:77:00:00:00:01  10.77.0.1/24 (+ .3, .4)   fd77::1/64
#        |  veth
#   target ns   eth0 02:77:00:00:00:02  10.77.0.2/24 (+ .10-.30)  fd77::2/64
#
# Both ends are called eth0 so fixtures look like a real host (IN=eth0). The veth is created
# directly inside the namespaces, so the names never exist in the root namespace. The fixed
# scanner MAC is what tells our lab's log lines apart from anything else the kernel logs.

LAB_SCAN4=10.77.0.1
LAB_SCAN4_EXTRA=(10.77.0.3 10.77.0.4)
LAB_TGT4=10.77.0.2
LAB_SWEEP_FIRST=10
LAB_SWEEP_LAST=30
LAB_SCAN6=fd77::1
LAB_TGT6=fd77::2
LAB_MAC_SCAN=02:77:00:00:00:01
LAB_MAC_TGT=02:77:00:00:00:02
LAB_IF=eth0

LAB_TMP=""           # per-run temp dir (rsyslog/journald/ulogd state, tool output)
LAB_SEQ=0            # namespace generation, bumped by every lab_up
LAB_NS_SCAN=""
LAB_NS_TGT=""
LAB_NAMESPACES=()    # every namespace this run created
LAB_PIDS=()          # every background process this run started
LAB_FW=""            # iptables | nft, for lab_logged_count
LAB_LOGALL_OLD=""    # nf_log_all_netns before we touched it

log() { printf 'capture: %s\n' "$*" >&2; }
die() {
  printf 'capture: error: %s\n' "$*" >&2
  exit 1
}

# Fails unless every command exists; names the Debian package to install.
lab_require() {
  local entry cmd pkg missing=()
  for entry in "$@"; do
    cmd="${entry%%:*}" pkg="${entry#*:}"
    if [[ "$cmd" == /* ]]; then [[ -x "$cmd" ]] || missing+=("$cmd ($pkg)")
    else command -v "$cmd" >/dev/null || missing+=("$cmd ($pkg)"); fi
  done
  ((${#missing[@]} == 0)) || die "missing tools: ${missing[*]}; apt-get install the packages in parentheses"
}

# Runs once per invocation: temp dir, lock, traps, kernel LOG from namespaces.
lab_init() {
  [[ $EUID -eq 0 ]] || die "must run as root (namespaces, iptables, /dev/kmsg)"
  # Two runs at once would share addresses, MACs and the global sysctl; refuse instead.
  exec {LAB_LOCK_FD}<"${BASH_SOURCE[0]}"
  flock -n "$LAB_LOCK_FD" || die "another capture run holds the lock on ${BASH_SOURCE[0]}"
  LAB_TMP="$(mktemp -d /tmp/portsleuth-capture.XXXXXX)"
  trap lab_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  # The kernel suppresses LOG output from non-initial namespaces unless this is set.
  LAB_LOGALL_OLD="$(sysctl -n net.netfilter.nf_log_all_netns)" ||
    die "sysctl net.netfilter.nf_log_all_netns missing (is nf_log_syslog available?)"
  sysctl -qw net.netfilter.nf_log_all_netns=1
}

# EXIT trap: undo everything, whatever state a failure left us in.
lab_cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  lab_down
  if [[ -n "$LAB_LOGALL_OLD" ]]; then
    sysctl -qw "net.netfilter.nf_log_all_netns=$LAB_LOGALL_OLD"
  fi
  if [[ -n "${CAPTURE_KEEP_TMP:-}" ]]; then
    log "kept $LAB_TMP"
  elif [[ -n "$LAB_TMP" ]]; then
    rm -rf "$LAB_TMP"
  fi
  ((rc == 0)) || log "failed (exit $rc); lab torn down"
  exit "$rc"
}

# Starts a command in the background, remembers its pid, output to $LAB_TMP/<name>.out.
lab_spawn() {
  local name="$1"
  shift
  "$@" </dev/null >"$LAB_TMP/$name.out" 2>&1 &
  LAB_PIDS+=("$!")
  LAB_LAST_PID="$!"
}

# True while PID runs (a zombie waiting to be reaped does not count).
lab_alive() { [[ -e "/proc/$1" ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# SIGTERM, then SIGKILL after 3 s; reaps the process if it is our child.
lab_stop_pid() {
  local pid="$1" i
  kill "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 30; i++)); do
    lab_alive "$pid" || break
    sleep 0.1
  done
  if lab_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}

# Stops our processes and deletes our namespaces (which takes veths, rules, conntrack and
# per-namespace sysctls with them). Safe to call repeatedly.
lab_down() {
  local pid ns
  for pid in "${LAB_PIDS[@]}"; do lab_stop_pid "$pid"; done
  LAB_PIDS=()
  for ns in "${LAB_NAMESPACES[@]}"; do
    # Anything still inside (e.g. a client's sleep) would keep the namespace alive unnamed.
    for pid in $(ip netns pids "$ns" 2>/dev/null); do lab_stop_pid "$pid"; done
    # So would orphaned TCP sockets of killed processes, which go on retransmitting for minutes:
    # with the veth still there, their packets would be logged into the next capture. Cut the
    # wire, then abort every socket left.
    # (The veth pair goes with its first end, so the second delete finds nothing.)
    ip -n "$ns" link del "$LAB_IF" 2>/dev/null || true
    ip netns exec "$ns" ss -K -a >/dev/null 2>&1 || true
    ip netns del "$ns" 2>/dev/null || true
  done
  LAB_NAMESPACES=()
  return 0
}

# Remembers what produced the scenario's lines, for the README: a command, or with -n a note.
record() {
  local kind=cmd
  [[ "$1" == -n ]] && kind=note && shift
  printf '%s\t%s\t%s\n' "$SCENARIO" "$kind" "$*" >>"$LAB_TMP/commands"
}

in_scan() { ip netns exec "$LAB_NS_SCAN" "$@"; }
in_tgt() { ip netns exec "$LAB_NS_TGT" "$@"; }

# Creates a fresh scanner/target pair with addresses; no firewall yet.
lab_up() {
  local ns i
  LAB_SEQ=$((LAB_SEQ + 1))
  LAB_NS_SCAN="portsleuth-scan-$$-$LAB_SEQ"
  LAB_NS_TGT="portsleuth-tgt-$$-$LAB_SEQ"
  for ns in "$LAB_NS_SCAN" "$LAB_NS_TGT"; do
    ip netns add "$ns"
    LAB_NAMESPACES+=("$ns")
    # No DAD and no router solicitations: fewer packets nobody asked for.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0 \
      net.ipv6.conf.default.router_solicitations=0
    ip -n "$ns" link set lo up
  done
  ip link add name "$LAB_IF" netns "$LAB_NS_TGT" address "$LAB_MAC_TGT" type veth \
    peer name "$LAB_IF" netns "$LAB_NS_SCAN" address "$LAB_MAC_SCAN"
  ip -n "$LAB_NS_SCAN" addr add "$LAB_SCAN4/24" dev "$LAB_IF"
  for i in "${LAB_SCAN4_EXTRA[@]}"; do ip -n "$LAB_NS_SCAN" addr add "$i/24" dev "$LAB_IF"; done
  ip -n "$LAB_NS_SCAN" addr add "$LAB_SCAN6/64" dev "$LAB_IF" nodad
  ip -n "$LAB_NS_TGT" addr add "$LAB_TGT4/24" dev "$LAB_IF"
  for ((i = LAB_SWEEP_FIRST; i <= LAB_SWEEP_LAST; i++)); do
    ip -n "$LAB_NS_TGT" addr add "10.77.0.$i/24" dev "$LAB_IF"
  done
  ip -n "$LAB_NS_TGT" addr add "$LAB_TGT6/64" dev "$LAB_IF" nodad
  ip -n "$LAB_NS_SCAN" link set "$LAB_IF" up
  ip -n "$LAB_NS_TGT" link set "$LAB_IF" up
  # IPv6 finishes bringing eth0 up asynchronously once the carrier is seen; until the ff00::/8
  # route exists, neighbour solicitations to the target are dropped as unroutable.
  for ns in "$LAB_NS_SCAN" "$LAB_NS_TGT"; do
    for ((i = 0; i < 50; i++)); do
      [[ -n "$(ip -n "$ns" -6 route show table local ff00::/8 dev "$LAB_IF")" ]] && continue 2
      sleep 0.1
    done
    die "IPv6 on $LAB_IF in $ns did not come up"
  done
}

# Target firewall, first half: the usual stateful accepts, for IPv4 and IPv6.
# --nd accepts neighbour discovery as RFC 4890 says to; --no-nd leaves it out, so NS/NA get logged.
fw_ipt_base() {
  local nd=1
  [[ "$1" == --no-nd ]] && nd=0
  LAB_FW=iptables
  local ipt
  for ipt in iptables ip6tables; do
    in_tgt "$ipt" -A INPUT -i lo -j ACCEPT
    in_tgt "$ipt" -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  done
  ((nd)) || record -n "target: no neighbour-discovery accepts"
  if ((nd)); then
    # Neighbour discovery is only valid with hop limit 255 (RFC 4861 §7.1.1).
    local type
    for type in neighbour-solicitation neighbour-advertisement; do
      in_tgt ip6tables -A INPUT -p ipv6-icmp --icmpv6-type "$type" -m hl --hl-eq 255 -j ACCEPT
    done
  fi
}

# Target firewall, second half: log with PREFIX (plus LOG options) and drop everything else.
fw_ipt_log_drop() {
  local prefix="$1" ipt
  shift
  record -n "target: \`iptables\`/\`ip6tables -A INPUT -j LOG --log-prefix \"$prefix\"${*:+ $*}\`, then DROP"
  for ipt in iptables ip6tables; do
    in_tgt "$ipt" -A INPUT -j LOG --log-prefix "$prefix" "$@"
    in_tgt "$ipt" -A INPUT -j DROP
  done
}

# The whole stateful ruleset most scenarios use.
fw_ipt() {
  fw_ipt_base --nd
  fw_ipt_log_drop "$@"
}

# Same policy as fw_ipt, written natively in nftables (one inet table for both families).
fw_nft() {
  local prefix="$1"
  LAB_FW=nft
  record -n "target: nftables \`table inet filter\`, rule \`counter log prefix \"$prefix\" drop\`"
  in_tgt nft -f - <<EOF
table inet filter {
  chain input {
    type filter hook input priority filter; policy accept;
    iif "lo" accept
    ct state established,related accept
    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } ip6 hoplimit 255 accept
    counter log prefix "$prefix" drop
  }
}
EOF
}

# Number of packets the target's logging rules have matched so far: the number of lines the
# capture must contain. Counts LOG and NFLOG rules (iptables) or counted log statements (nft).
lab_logged_count() {
  if [[ "$LAB_FW" == nft ]]; then
    in_tgt nft list ruleset |
      awk '/ log / && match($0, /counter packets [0-9]+/) { split(substr($0, RSTART, RLENGTH), a, " "); n += a[3] }
           END { print n + 0 }'
  else
    { in_tgt iptables-save -c; in_tgt ip6tables-save -c; } |
      awk '/ -j (NF)?LOG / && match($0, /^\[[0-9]+:/) { n += substr($0, 2, RLENGTH - 2) } END { print n + 0 }'
  fi
}
