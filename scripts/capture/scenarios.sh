# shellcheck shell=bash
# shellcheck disable=SC2034,SC2016  # variables are read by the files sourcing this one; single quotes are deliberate
# The scenarios: one function (scn_<name>) per fixture file. Sourced by capture.sh.

# One entry per scenario, in "all" order: name|header format|what it is. Drives --help and the
# fixtures README.
SCENARIO_LIST=(
  "syn-scan|rfc3339|nmap -sS of ports 1000-1150; prefix \`DROP \` with TCP and IP options"
  "connect-scan|rfc3339|nmap -sT of ports 1000-1150 (the kernel's own SYNs: DF, window 64240, no options logged); UFW prefix \`[UFW BLOCK] \`, no options"
  "fin-scan|rfc3339|nmap -sF of ports 1000-1150; \`DROP \` with --log-macdecode (MACSRC=/MACDST=/MACPROTO= instead of MAC=)"
  "xmas-scan|rfc3339|nmap -sX of ports 1000-1150; Shorewall prefix \`Shorewall:net2fw:DROP:\` glued to IN="
  "null-scan|rfc3339|nmap -sN of ports 1000-1150; \`[UFW BLOCK] \`"
  "ack-scan|rfc3339|nmap -sA of ports 1000-1150; \`DROP \` with --log-tcp-sequence (SEQ= ACK=)"
  "maimon-scan|rfc3339|nmap -sM (FIN ACK) of ports 1000-1150; \`Shorewall:net2fw:DROP:\`"
  "udp-scan|rfc3339|nmap -sU of ports 1000-1150; \`DROP \`"
  "proto-scan|rfc3339|nmap -sO (all 256 IP protocols); \`DROP \`"
  "os-probe|rfc3339|nmap -O with ports 22,80,443,1000-1010: SYN scan then the OS detection probes; \`DROP \`"
  "syn-sweep|rfc3339|nmap -sS of port 1083 on 10.77.0.10-30 (21 hosts); \`[UFW BLOCK] \`"
  "ipv6-syn-scan|rfc3339|nmap -6 -sS of ports 1000-1150, fd77::1 -> fd77::2; \`DROP \`"
  "ipv6-connect-scan|rfc3339|nmap -6 -sT of ports 1000-1150; \`[UFW BLOCK] \`"
  "ipv6-icmp|rfc3339|ICMPv6 probes from ipv6-icmp.tsv (nmap ND, echo, ND types, 137 redirect, 143 MLDv2, invalid type/code), then a real port unreachable quoting the target's UDP packet; ruleset without ND accepts; \`DROP \`"
  "icmp-types|rfc3339|ICMPv4 probes from icmp-types.tsv (every type 0-43 family with valid and undefined codes, reserved and unassigned types), then a real port unreachable quoting the target's UDP packet; \`DROP \`"
  "signature-probes|rfc3339|one probe per line of signature-probes.tsv (backdoor ports, DDoS tools, odd flags, IP options, land, TTL 0, ...); \`DROP \` with SEQ/options, plus fwsnort-style \`[11] SID2003 \` and \`[12] SID1122 ESTAB \` rules"
  "conntrack-leftovers|rfc3339|false positives: the target's clients talk to servers on 10.77.0.1:443/80/22, conntrack is flushed (tcp_loose=0), the late ACK/PSH/FIN/RST packets from ports 443/80/22 are dropped; \`[UFW BLOCK] \`"
  "nft-log|rfc3339|nmap -sS of ports 1000-1150 against a native nftables ruleset, \`log prefix \"nft-drop: \"\`"
  "fmt-rfc3339|rfc3339|nmap -sS of ports 1000-1020, rsyslog RSYSLOG_FileFormat (Debian default)"
  "fmt-rfc3164|rfc3164|nmap -sS of ports 1000-1020, rsyslog RSYSLOG_TraditionalFileFormat"
  "fmt-rfc5424|rfc5424|nmap -sS of ports 1000-1020, rsyslog RSYSLOG_SyslogProtocol23Format"
  "fmt-rfc3164-uptime|rfc3164 + kernel uptime|nmap -sS of ports 1000-1020, rsyslog imklog KeepKernelTimestamp=on (the \`kernel: [ 1234.567890] \` look of older Ubuntu/Debian kern.log)"
  "fmt-journal-short|journalctl -o short|nmap -sS of ports 1000-1020, systemd-journald, journalctl -k -o short"
  "fmt-journal-short-iso|journalctl -o short-iso|nmap -sS of ports 1000-1020, systemd-journald, journalctl -k -o short-iso"
  "fmt-ulogd|ulogd LOGEMU|nmap -sS of ports 1000-1020, NFLOG target + ulogd2 LOGEMU (no \`kernel:\` tag, ulogd's own field layout)"
  "ufw-actions|rfc3339|what the firewall did, in ufw's prefixes: every new packet logged \`[UFW AUDIT] \` and then by its verdict rule (\`[UFW ALLOW] \` tcp/80, \`[UFW ALLOW] \` or \`[UFW LIMIT BLOCK] \` tcp/22 past 5 new connections in 30 s, \`[UFW BLOCK] \` the rest); the target's own outbound connections (\`IN= OUT=eth0\`, audited and allowed)"
  "ssh-flood|rfc3339|hping3: 400 SYNs to tcp/22 at 20 per second (a brute-force pace); \`DROP \` with TCP and IP options"
  "fmt-dmesg|dmesg|nmap -sS of ports 1000-1020, read back with dmesg (uptime only); firewalld's prefix \`FINAL_REJECT: \`"
  "fmt-dmesg-ctime|dmesg -T|nmap -sS of ports 1000-1020, read back with dmesg -T (\`[Fri Dec  4 15:05:56 2026]\`)"
  "fmt-dmesg-ctime-de|dmesg -T, de_DE|nmap -sS of ports 1000-1020, read back with dmesg -T under LC_TIME=de_DE.UTF-8 (\`[Fr Dez  4 …]\`)"
  "fmt-dmesg-ctime-fr|dmesg -T, fr_FR|nmap -sS of ports 1000-1020, read back with dmesg -T under LC_TIME=fr_FR.UTF-8 (\`[ven. déc.  4 …]\`)"
  "fmt-dmesg-ctime-es|dmesg -T, es_ES|nmap -sS of ports 1000-1020, read back with dmesg -T under LC_TIME=es_ES.UTF-8 (\`[vie dic  4 …]\`)"
  "fmt-dmesg-ctime-zh|dmesg -T, zh_CN|nmap -sS of ports 1000-1020, read back with dmesg -T under LC_TIME=zh_CN.UTF-8 (\`[五 12月  4 …]\`)"
  "fmt-dmesg-ctime-ja|dmesg -T, ja_JP|nmap -sS of ports 1000-1020, read back with dmesg -T under LC_TIME=ja_JP.UTF-8 (\`[金 12月  4 …]\`)"
  "fmt-journal-short-de|journalctl -o short, de_DE|nmap -sS of ports 1000-1020, systemd-journald, journalctl -k -o short under LC_TIME=de_DE.UTF-8"
  "fmt-journal-short-fr|journalctl -o short, fr_FR|nmap -sS of ports 1000-1020, systemd-journald, journalctl -k -o short under LC_TIME=fr_FR.UTF-8"
  "fmt-journal-short-ja|journalctl -o short, ja_JP|nmap -sS of ports 1000-1020, systemd-journald, journalctl -k -o short under LC_TIME=ja_JP.UTF-8"
  "sample|rfc3339|demo: SYN scan (top 250 ports) and UDP scan (top 40) from 10.77.0.1, XMAS scan from 10.77.0.3, probes from 10.77.0.4 (sample-probes.tsv), IPv6 SYN scan, conntrack leftovers; prefixes \`DROP \` and \`DROP INVALID \`"
)

# Fixtures no lab here can record, written by scripts/capture/handmade.ts from the packets of
# fmt-dmesg.log (run it after capturing fmt-dmesg): name|header format|what. The fixtures README
# lists them after the captures.
HANDMADE_LIST=(
  "fmt-printk-caller|dmesg, console, imklog + printk caller ids|the packets of fmt-dmesg with printk's caller id (CONFIG_PRINTK_CALLER, not set in the lab's kernel): \`[%5lu.%06lu][%6s]\` glued as on the console and in /proc/kmsg, \`[…] [  T1234] \` as util-linux dmesg prints it, and after \`kernel:\` as rsyslog imklog keeps it; prefix \`DROP \`"
  "fmt-pve-firewall|Proxmox VE pve-firewall.log|the packets of fmt-dmesg as pvefw-logger prints them (its own head \`<vmid> <level> <chain> %d/%b/%Y:%H:%M:%S %z\`, no OUT= when empty, no RES=, URGP= only with URG), for the host firewall and a VM's bridge, plus UDP (its \`LEN=\` glued to \`mark=\`), an ICMP echo, an ARP request (non-ip) and two status lines (not firewall lines)"
)

NMAP_FAST=(--max-retries 0 -T4 -n -Pn)
LOG_OPTS=(--log-tcp-options --log-ip-options)

# Runs a command in the scanner namespace and records it for the README. Tool output goes to a
# file and is shown only when the command fails.
scan() {
  record "$@"
  ip netns exec "$LAB_NS_SCAN" "$@" </dev/null >"$LAB_TMP/tool.out" 2>&1 ||
    die "$SCENARIO: '$*' failed: $(tail -n 5 "$LAB_TMP/tool.out")"
}

# Sends every probe of a TSV table (see signature-probes.tsv) and checks each one was logged.
probes() {
  local table="$1" name cmd before rc try a b c d argv=()
  record -n "every command in \`scripts/capture/${table##*/}\`, one probe per line"
  IFS=. read -r a b c d <<<"$LAB_TGT4"
  while IFS=$'\t' read -r name cmd; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    cmd="${cmd//\{T4\}/$LAB_TGT4}" cmd="${cmd//\{S4\}/$LAB_SCAN4}"
    cmd="${cmd//\{T6\}/$LAB_TGT6}" cmd="${cmd//\{S6\}/$LAB_SCAN6}"
    cmd="${cmd//\{MACS\}/$LAB_MAC_SCAN}" cmd="${cmd//\{MACT\}/$LAB_MAC_TGT}"
    cmd="${cmd//\{T4INT\}/$(((a << 24) + (b << 16) + (c << 8) + d))}"
    # xargs splits like a shell (quotes group words) without expanding anything.
    mapfile -t argv < <(xargs printf '%s\n' <<<"$cmd")
    # The firewall log is the test, not the exit status: hping3 exits 1 when nothing answers,
    # and nothing ever answers here. A try that logged nothing is repeated: now and then nping
    # sends nothing at all ("TIMER killed", "Raw packets sent: 0").
    for try in 1 2 3; do
      before="$(lab_logged_count)" rc=0
      ip netns exec "$LAB_NS_SCAN" "${argv[@]}" </dev/null >"$LAB_TMP/tool.out" 2>&1 || rc=$?
      wait_logged "$before" && continue 2
    done
    die "$SCENARIO: probe '$name' left no line in the firewall log (exit $rc, $try tries): $cmd
$(tail -n 8 "$LAB_TMP/tool.out")"
  done <"$table"
}

# True once the log counters have moved past BEFORE (2 s at most).
wait_logged() {
  local i
  for ((i = 0; i < 20; i++)); do
    (($(lab_logged_count) > $1)) && return 0
    sleep 0.1
  done
  return 1
}

# A real ICMP error quoting a real packet (crafted errors quote nothing, "INCOMPLETE"): the
# target sends UDP to a closed port on the scanner, untracked (raw NOTRACK), so the port
# unreachable the scanner's kernel sends back is related to nothing and gets logged, with the
# quoted header in brackets.
icmp_error_from_scanner() {
  local ipt="$1" addr="$2" tgt="$3" before
  in_tgt "$ipt" -t raw -A OUTPUT -p udp --dport 33434 -j NOTRACK
  # Static neighbours: in ipv6-icmp the target drops neighbour discovery.
  ip -n "$LAB_NS_TGT" neigh replace "$addr" lladdr "$LAB_MAC_SCAN" dev "$LAB_IF" nud permanent
  ip -n "$LAB_NS_SCAN" neigh replace "$tgt" lladdr "$LAB_MAC_TGT" dev "$LAB_IF" nud permanent
  record -n "target: \`$ipt -t raw -A OUTPUT -p udp --dport 33434 -j NOTRACK\`, then bash \`echo probe >/dev/udp/$addr/33434\`: the scanner's kernel answers port unreachable"
  before="$(lab_logged_count)"
  in_tgt bash -c 'echo probe >"/dev/udp/$1/33434"' probe "$addr"
  wait_logged "$before" || die "$SCENARIO: the scanner's port unreachable for $addr was not logged"
}

# Waits until TCP PORTs listen in namespace NS.
wait_listen() {
  local ns="$1" port i
  shift
  for port in "$@"; do
    for ((i = 0; i < 50; i++)); do
      [[ -n "$(ip netns exec "$ns" ss -Htln "sport = :$port")" ]] && continue 2
      sleep 0.1
    done
    die "$SCENARIO: nothing listens on port $port in $ns"
  done
}

# Stops every process in the lab's namespaces except the collector: anything still running
# would keep sending packets after the capture ends.
lab_quiesce() {
  local ns pid
  for ns in "$LAB_NS_SCAN" "$LAB_NS_TGT"; do
    for pid in $(ip netns pids "$ns"); do
      [[ "$pid" == "$CAP_PID" ]] || lab_stop_pid "$pid"
    done
  done
}

# Conntrack leftovers: the target is a client behind a stateful firewall. It opens connections
# to servers in the scanner namespace, then its conntrack table is flushed with tcp_loose=0
# (so mid-stream packets are not re-adopted), and everything the servers send afterwards
# (ACKs of the client's data, the late response, FINs, RSTs and their retransmissions) is
# INVALID and gets logged. Servers answer 3 s after accepting: 443 with data then FIN,
# 80 with just FIN, 22 with an abortive close (SO_LINGER 0).
# Arguments: the server ports the clients connect to, one client each.
LEFTOVER_CLIENTS=()
leftovers_start() {
  local flag="$LAB_TMP/leftovers-flushed-$LAB_SEQ" port i
  in_tgt sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
  lab_spawn srv443 ip netns exec "$LAB_NS_SCAN" \
    socat TCP-LISTEN:443,reuseaddr,fork SYSTEM:'sleep 3; printf "late response\n"'
  lab_spawn srv80 ip netns exec "$LAB_NS_SCAN" socat TCP-LISTEN:80,reuseaddr,fork SYSTEM:'sleep 3'
  lab_spawn srv22 ip netns exec "$LAB_NS_SCAN" socat TCP-LISTEN:22,reuseaddr,fork,linger=0 SYSTEM:'sleep 3'
  wait_listen "$LAB_NS_SCAN" 443 80 22
  record -n "servers in the scanner namespace: socat on 443 (after 3 s: data, then FIN), 80 (after 3 s: FIN), 22 (after 3 s: close with SO_LINGER 0)"
  LEFTOVER_CLIENTS=()
  for port in "$@"; do
    record -n "in the target: a bash /dev/tcp client connects to $LAB_SCAN4:$port, sends 'hello' after the flush, closes 3 s later"
    lab_spawn "client$port" ip netns exec "$LAB_NS_TGT" bash -c '
      exec 3<>"/dev/tcp/$1/$2"
      while [[ ! -e "$3" ]]; do sleep 0.1; done
      echo hello >&3
      sleep 3' client "$LAB_SCAN4" "$port" "$flag"
    LEFTOVER_CLIENTS+=("$LAB_LAST_PID")
  done
  for ((i = 0; i < 50; i++)); do
    (($(in_tgt conntrack -L -p tcp --state ESTABLISHED 2>/dev/null | wc -l) >= $#)) && break
    sleep 0.1
  done
  ((i < 50)) || die "$SCENARIO: the target's client connections did not come up"
  record -n "in the target, once the connections are up: \`sysctl net.netfilter.nf_conntrack_tcp_loose=0\`, \`conntrack -F\`"
  in_tgt conntrack -F 2>/dev/null
  touch "$flag"
}

leftovers_finish() {
  local pid
  for pid in "${LEFTOVER_CLIENTS[@]}"; do
    wait "$pid" || die "$SCENARIO: a leftover client failed: $(cat "$LAB_TMP"/client*.out)"
  done
  lab_quiesce
}

scn_syn_scan() {
  fw_ipt "DROP " "${LOG_OPTS[@]}"
  capture_start rsyslog rfc3339
  scan nmap -sS -p 1000-1150 "${NMAP_FAST[@]}" "$LAB_TGT4"
}

scn_connect_scan() {
  fw_ipt "[UFW BLOCK] "
  capture_start rsyslog rfc3339
  scan nmap -sT -p 1000-1150 "${NMAP_FAST[@]}" "$LAB_TGT4"
}

scn_fin_scan() {
  fw_ipt "DROP " "${LOG_OPTS[@]}" --log-macdecode
  capture_start rsyslog rfc3339
  scan nmap -sF -p 1000-1150 "${NMAP_FAST[@]}" "$LAB_TGT4"
}

scn_xmas_scan() {
  fw_ipt "Shorewall:net2fw:DROP:"
  capture_start rsyslog rfc3339
  scan nmap -sX -p 1000-1150 "${NMAP_FAST[@]}" "$LAB_TGT4"
}

scn_null_scan() {
  fw_ipt "[UFW BLOCK] "
  capture_start rsyslog rfc3339
  scan nmap -sN -p 1000-1150 "${NMAP_FAST[@]}" "$LAB_TGT4"
}

scn_ack_scan() {
  fw_ipt "DROP " --log-tcp-sequence "${LOG_OPTS[@]}"
  capture_start rsyslog rfc3339
  scan nmap -sA -p 1000-1150 "${NMAP_FAST[@]}" "$LAB_TGT4"
}

scn_maimon_scan() {
  fw_ipt "Shorewall:net2fw:DROP:"
  capture_start rsyslog rfc3339
  scan nmap -sM -p 1000-1150 "${NMAP_FAST[@]}" "$LAB_TGT4"
}

scn_udp_scan() {
  fw_ipt "DROP " "${LOG_OPTS[@]}"
  capture_start rsyslog rfc3339
  scan nmap -sU -p 1000-1150 "${NMAP_FAST[@]}" "$LAB_TGT4"
}

scn_proto_scan() {
  fw_ipt "DROP " "${LOG_OPTS[@]}"
  capture_start rsyslog rfc3339
  scan nmap -sO "${NMAP_FAST[@]}" "$LAB_TGT4"
}

scn_os_probe() {
  fw_ipt "DROP " "${LOG_OPTS[@]}"
  capture_start rsyslog rfc3339
  scan nmap -O -p 22,80,443,1000-1010 "${NMAP_FAST[@]}" "$LAB_TGT4"
}

scn_syn_sweep() {
  fw_ipt "[UFW BLOCK] "
  capture_start rsyslog rfc3339
  scan nmap -sS -p 1083 "${NMAP_FAST[@]}" "10.77.0.$LAB_SWEEP_FIRST-$LAB_SWEEP_LAST"
}

scn_ipv6_syn_scan() {
  fw_ipt "DROP " "${LOG_OPTS[@]}"
  capture_start rsyslog rfc3339
  scan nmap -6 -sS -p 1000-1150 "${NMAP_FAST[@]}" "$LAB_TGT6"
}

scn_ipv6_connect_scan() {
  fw_ipt "[UFW BLOCK] "
  capture_start rsyslog rfc3339
  scan nmap -6 -sT -p 1000-1150 "${NMAP_FAST[@]}" "$LAB_TGT6"
}

scn_ipv6_icmp() {
  # No neighbour-discovery accepts, so nmap's and nping's solicitations are logged too.
  fw_ipt_base --no-nd
  fw_ipt_log_drop "DROP " "${LOG_OPTS[@]}"
  capture_start rsyslog rfc3339
  probes "$CAPTURE_HOME/ipv6-icmp.tsv"
  icmp_error_from_scanner ip6tables "$LAB_SCAN6" "$LAB_TGT6"
}

scn_icmp_types() {
  fw_ipt "DROP " "${LOG_OPTS[@]}"
  capture_start rsyslog rfc3339
  probes "$CAPTURE_HOME/icmp-types.tsv"
  icmp_error_from_scanner iptables "$LAB_SCAN4" "$LAB_TGT4"
}

scn_signature_probes() {
  local opts=(--log-tcp-sequence "${LOG_OPTS[@]}") conf
  # A host with default sysctls drops source-routed (LSRR/SSRR) packets in ip_rcv_options and
  # packets from its own address (land) or from an unroutable spoofed source as martians,
  # before any firewall rule sees them. Let them through to INPUT so the LOG rule sees them.
  for conf in all eth0; do
    in_tgt sysctl -qw "net.ipv4.conf.$conf.accept_source_route=1" \
      "net.ipv4.conf.$conf.accept_local=1" "net.ipv4.conf.$conf.rp_filter=0"
  done
  fw_ipt_base --nd
  # fwsnort puts its rules first and only logs; the prefix carries its rule number, the Snort
  # SID, and ESTAB for rules that match established connections. Real fwsnort would also match
  # the Slammer payload; a length match is enough here.
  in_tgt iptables -I INPUT 1 -p udp --dport 1434 -m length --length 404 \
    -j LOG --log-prefix "[11] SID2003 " "${opts[@]}"
  in_tgt iptables -I INPUT 2 -p tcp --dport 8080 -m conntrack --ctstate ESTABLISHED \
    -m string --string /etc/passwd --algo bm -j LOG --log-prefix "[12] SID1122 ESTAB " "${opts[@]}"
  # An open web port, so the fwsnort-web probe has a connection to send its request on.
  in_tgt iptables -A INPUT -p tcp --dport 8080 -j ACCEPT
  fw_ipt_log_drop "DROP " "${opts[@]}"
  lab_spawn web ip netns exec "$LAB_NS_TGT" socat TCP-LISTEN:8080,reuseaddr,fork SYSTEM:'sleep 1'
  record -n "target: net.ipv4.conf.{all,eth0}.accept_source_route=1, accept_local=1, rp_filter=0; fwsnort-style LOG rules first (\`-p udp --dport 1434 -m length --length 404\` → \`[11] SID2003 \`, \`-p tcp --dport 8080 --ctstate ESTABLISHED -m string --string /etc/passwd\` → \`[12] SID1122 ESTAB \`); socat listening on 8080 (accepted)"
  wait_listen "$LAB_NS_TGT" 8080
  capture_start rsyslog rfc3339
  probes "$CAPTURE_HOME/signature-probes.tsv"
  lab_quiesce
}

scn_conntrack_leftovers() {
  fw_ipt "[UFW BLOCK] "
  capture_start rsyslog rfc3339
  leftovers_start 443 80 22
  leftovers_finish
}

scn_nft_log() {
  fw_nft "nft-drop: "
  capture_start rsyslog rfc3339
  scan nmap -sS -p 1000-1150 "${NMAP_FAST[@]}" "$LAB_TGT4"
}

# The format scenarios: the same small scan through different collectors.
fmt_scan() {
  fw_ipt "DROP " "${LOG_OPTS[@]}"
  capture_start "$@"
  scan nmap -sS -p 1000-1020 "${NMAP_FAST[@]}" "$LAB_TGT4"
}
scn_fmt_rfc3339() { fmt_scan rsyslog rfc3339; }
scn_fmt_rfc3164() { fmt_scan rsyslog rfc3164; }
scn_fmt_rfc5424() { fmt_scan rsyslog rfc5424; }
scn_fmt_rfc3164_uptime() { fmt_scan klog; }
scn_fmt_journal_short() { fmt_scan journal short; }
scn_fmt_journal_short_iso() { fmt_scan journal short-iso; }
scn_fmt_journal_short_de() { fmt_scan journal short de_DE; }
scn_fmt_journal_short_fr() { fmt_scan journal short fr_FR; }
scn_fmt_journal_short_ja() { fmt_scan journal short ja_JP; }
scn_fmt_dmesg_ctime() { fmt_scan dmesg ctime; }
scn_fmt_dmesg_ctime_de() { fmt_scan dmesg ctime de_DE; }
scn_fmt_dmesg_ctime_fr() { fmt_scan dmesg ctime fr_FR; }
scn_fmt_dmesg_ctime_es() { fmt_scan dmesg ctime es_ES; }
scn_fmt_dmesg_ctime_zh() { fmt_scan dmesg ctime zh_CN; }
scn_fmt_dmesg_ctime_ja() { fmt_scan dmesg ctime ja_JP; }

# firewalld logs its final rejects with a one-word prefix ending in a colon.
scn_fmt_dmesg() {
  fw_ipt "FINAL_REJECT: " "${LOG_OPTS[@]}"
  capture_start dmesg plain
  scan nmap -sS -p 1000-1020 "${NMAP_FAST[@]}" "$LAB_TGT4"
}

scn_fmt_ulogd() {
  local ipt
  fw_ipt_base --nd
  # ulogd's PRINTPKT puts a space after the prefix itself.
  record -n "target: \`iptables\`/\`ip6tables -A INPUT -j NFLOG --nflog-group $CAP_NFLOG_GROUP --nflog-prefix DROP\`, then DROP"
  for ipt in iptables ip6tables; do
    in_tgt "$ipt" -A INPUT -j NFLOG --nflog-group "$CAP_NFLOG_GROUP" --nflog-prefix DROP
    in_tgt "$ipt" -A INPUT -j DROP
  done
  capture_start ulogd
  scan nmap -sS -p 1000-1020 "${NMAP_FAST[@]}" "$LAB_TGT4"
}

# A ufw-shaped ruleset (IPv4; IPv6 is dropped unlogged): ufw's "logging full" audits every new
# packet before the rule that decides logs it again, so one packet gives two lines. Outbound
# connections of the target itself are audited and allowed.
fw_ufw() {
  local ipt
  fw_ipt_base --nd
  in_tgt ip6tables -A INPUT -j DROP
  in_tgt iptables -A INPUT -m conntrack --ctstate NEW -j LOG --log-prefix "[UFW AUDIT] "
  in_tgt iptables -A INPUT -p tcp --dport 80 -j LOG --log-prefix "[UFW ALLOW] "
  in_tgt iptables -A INPUT -p tcp --dport 80 -j ACCEPT
  in_tgt iptables -A INPUT -p tcp --dport 22 -m conntrack --ctstate NEW -m recent --name ssh --set
  in_tgt iptables -A INPUT -p tcp --dport 22 -m conntrack --ctstate NEW -m recent --name ssh --update --seconds 30 --hitcount 6 -j LOG --log-prefix "[UFW LIMIT BLOCK] "
  in_tgt iptables -A INPUT -p tcp --dport 22 -m conntrack --ctstate NEW -m recent --name ssh --update --seconds 30 --hitcount 6 -j REJECT
  in_tgt iptables -A INPUT -p tcp --dport 22 -j LOG --log-prefix "[UFW ALLOW] "
  in_tgt iptables -A INPUT -p tcp --dport 22 -j ACCEPT
  in_tgt iptables -A INPUT -j LOG --log-prefix "[UFW BLOCK] "
  in_tgt iptables -A INPUT -j DROP
  in_tgt iptables -A OUTPUT -o lo -j ACCEPT
  in_tgt iptables -A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  in_tgt iptables -A OUTPUT -m conntrack --ctstate NEW -j LOG --log-prefix "[UFW AUDIT] "
  in_tgt iptables -A OUTPUT -m conntrack --ctstate NEW -j LOG --log-prefix "[UFW ALLOW] "
  in_tgt iptables -A OUTPUT -j ACCEPT
  record -n "target (iptables; ip6tables drops unlogged): lo and ESTABLISHED,RELATED accepted; INPUT: \`--ctstate NEW -j LOG --log-prefix \"[UFW AUDIT] \"\`; tcp/80 \`LOG \"[UFW ALLOW] \"\` + ACCEPT; tcp/22 \`-m recent --set\`, then past \`--update --seconds 30 --hitcount 6\` \`LOG \"[UFW LIMIT BLOCK] \"\` + REJECT, else \`LOG \"[UFW ALLOW] \"\` + ACCEPT; the rest \`LOG \"[UFW BLOCK] \"\` + DROP. OUTPUT: new connections \`LOG \"[UFW AUDIT] \"\`, \`LOG \"[UFW ALLOW] \"\`, ACCEPT"
}

scn_ufw_actions() {
  local before
  fw_ufw
  capture_start rsyslog rfc3339
  scan nmap -sS -p 75-85 "${NMAP_FAST[@]}" "$LAB_TGT4"
  sleep 1
  # hping3 exits 1 when a probe goes unanswered (the REJECTed ones); the log is the test.
  record hping3 -S -p 22 -c 10 -i u100000 "$LAB_TGT4"
  before="$(lab_logged_count)"
  in_scan hping3 -S -p 22 -c 10 -i u100000 "$LAB_TGT4" </dev/null >"$LAB_TMP/tool.out" 2>&1 || true
  wait_logged "$before" || die "$SCENARIO: hping3 to tcp/22 left no line"
  sleep 1
  record -n "in the target: \`nmap -sS -p 440-445 ${NMAP_FAST[*]} $LAB_SCAN4\` (its own outbound SYNs), then bash \`echo query >/dev/udp/$LAB_SCAN4/53\`"
  in_tgt nmap -sS -p 440-445 "${NMAP_FAST[@]}" "$LAB_SCAN4" </dev/null >"$LAB_TMP/tool.out" 2>&1 ||
    die "$SCENARIO: outbound nmap failed: $(tail -n 5 "$LAB_TMP/tool.out")"
  in_tgt bash -c 'echo query >"/dev/udp/$1/53"' query "$LAB_SCAN4"
}

scn_ssh_flood() {
  local before
  fw_ipt "DROP " "${LOG_OPTS[@]}"
  capture_start rsyslog rfc3339
  # Nothing answers a dropped SYN, so hping3 exits 1; the log counters are the test.
  record hping3 -S -p 22 -c 400 -i u50000 "$LAB_TGT4"
  before="$(lab_logged_count)"
  in_scan hping3 -S -p 22 -c 400 -i u50000 "$LAB_TGT4" </dev/null >"$LAB_TMP/tool.out" 2>&1 || true
  (($(lab_logged_count) >= before + 400)) || die "$SCENARIO: hping3 logged $(($(lab_logged_count) - before)) of 400 SYNs"
}

scn_sample() {
  local ipt
  fw_ipt_base --nd
  record -n "target: \`iptables\`/\`ip6tables -A INPUT -m conntrack --ctstate INVALID -j LOG --log-prefix \"DROP INVALID \" ${LOG_OPTS[*]}\`, then DROP"
  for ipt in iptables ip6tables; do
    in_tgt "$ipt" -A INPUT -m conntrack --ctstate INVALID -j LOG --log-prefix "DROP INVALID " "${LOG_OPTS[@]}"
    in_tgt "$ipt" -A INPUT -m conntrack --ctstate INVALID -j DROP
  done
  fw_ipt_log_drop "DROP " "${LOG_OPTS[@]}"
  capture_start rsyslog rfc3339
  leftovers_start 443 22
  scan nmap -sS --top-ports 250 "${NMAP_FAST[@]}" "$LAB_TGT4"
  sleep 1
  scan nmap -sU --top-ports 40 "${NMAP_FAST[@]}" "$LAB_TGT4"
  sleep 1
  scan nmap -sX -p 1000-1100 -S "${LAB_SCAN4_EXTRA[0]}" -e "$LAB_IF" "${NMAP_FAST[@]}" "$LAB_TGT4"
  sleep 1
  probes "$CAPTURE_HOME/sample-probes.tsv"
  scan nmap -6 -sS -p 20-25,53,80,443,8080 "${NMAP_FAST[@]}" "$LAB_TGT6"
  leftovers_finish
}
