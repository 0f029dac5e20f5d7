# shellcheck shell=bash
# shellcheck disable=SC2034,SC2016  # variables are read by the files sourcing this one; single quotes are deliberate
# Collectors: the daemons that turn kernel firewall output into a log file, started fresh for
# every scenario with private config and state under $LAB_TMP. Sourced by capture.sh.
#
#   rsyslog FORMAT  rsyslogd + imkmsg, FORMAT rfc3339 (Debian default) | rfc3164 | rfc5424
#   klog            rsyslogd + imklog keeping the kernel's "[ 123.456]" uptime stamp, RFC 3164
#   journal MODE [LOCALE]  systemd-journald, read back with journalctl -k -o MODE (short | short-iso),
#                   LC_TIME=LOCALE (month names) when given
#   dmesg plain|ctime [LOCALE]  no daemon: the kernel ring buffer read back with dmesg, or dmesg -T
#                   (wall-clock stamps with the weekday and month names of LC_TIME=LOCALE)
#   ulogd           ulogd2 reading NFLOG in the target namespace, LOGEMU output (no "kernel:")
#
# Why imkmsg by default: it reads /dev/kmsg, where every reader gets every record, so it never
# steals lines from a host syslog or journald (imklog's /proc/kmsg hands each line to one reader).
#
# Markers: we write "<token>-begin" and "<token>-end" to /dev/kmsg. Every collector replays the
# ring buffer from boot when it starts, so only lines after the begin marker belong to the
# scenario. The kernel sequences the end marker after every LOG line already printed, so once the
# end marker is in the output, everything before it is too: that is our flush barrier.

CAP_KIND=""
CAP_ARG=""
CAP_DIR=""
CAP_PID=""
CAP_TOKEN=""
CAP_LOCALE=""
CAP_NFLOG_GROUP=77

capture_start() {
  CAP_KIND="$1" CAP_ARG="${2:-}" CAP_LOCALE="${3:-}" CAP_PID=""
  CAP_DIR="$LAB_TMP/capture-$LAB_SEQ"
  CAP_TOKEN="portsleuth-capture-$$-$LAB_SEQ-$RANDOM"
  mkdir -p "$CAP_DIR"
  case "$CAP_KIND" in
    rsyslog | klog) cap_rsyslog_start ;;
    journal) cap_journal_start ;;
    dmesg) cap_dmesg_start ;;
    ulogd) cap_ulogd_start ;;
    *) die "unknown collector '$CAP_KIND'" ;;
  esac
  kmsg_mark begin
}

kmsg_mark() { printf '%s-%s\n' "$CAP_TOKEN" "$1" >/dev/kmsg; }

cap_rsyslog_start() {
  local input tpl
  case "$CAP_KIND:$CAP_ARG" in
    rsyslog:rfc3339) tpl=RSYSLOG_FileFormat ;;
    rsyslog:rfc3164 | klog:) tpl=RSYSLOG_TraditionalFileFormat ;;
    rsyslog:rfc5424) tpl=RSYSLOG_SyslogProtocol23Format ;;
    *) die "unknown rsyslog format '$CAP_ARG'" ;;
  esac
  input='module(load="imkmsg")'
  if [[ "$CAP_KIND" == klog ]]; then
    cap_require_kmsg_free
    # Markers come from user space (facility user); imklog drops those unless permitted.
    input='module(load="imklog" KeepKernelTimestamp="on" ParseKernelTimestamp="off" PermitNonKernelFacility="on")'
  fi
  # $/armed is a global variable: it survives from one message to the next.
  cat >"$CAP_DIR/rsyslog.conf" <<EOF
global(workDirectory="$CAP_DIR" localHostname="fw")
$input
if \$msg contains "$CAP_TOKEN-begin" then {
  set \$/armed = "on";
  stop
}
if \$/armed != "on" then stop
action(type="omfile" file="$CAP_DIR/raw.log" template="$tpl")
if \$msg contains "$CAP_TOKEN-end" then {
  set \$/armed = "off";
}
EOF
  rsyslogd -N1 -f "$CAP_DIR/rsyslog.conf" >"$CAP_DIR/check.out" 2>&1 ||
    die "rsyslog rejected its config: $(cat "$CAP_DIR/check.out")"
  record -n "collector: rsyslogd with \`$input\`, template $tpl, hostname fw"
  lab_spawn rsyslogd rsyslogd -n -f "$CAP_DIR/rsyslog.conf" -i "$CAP_DIR/rsyslogd.pid"
  CAP_PID="$LAB_LAST_PID"
}

# /proc/kmsg gives each line to one reader only; sharing it would tear lines out of the capture.
cap_require_kmsg_free() {
  local fd
  for fd in /proc/[0-9]*/fd/*; do
    if [[ "$(readlink "$fd" 2>/dev/null)" == /proc/kmsg ]]; then
      fd="${fd#/proc/}"
      die "process ${fd%%/*} reads /proc/kmsg (a syslog with imklog?); the klog collector needs it alone"
    fi
  done
}

# journald in its own mount and UTS namespace: it sees a private tmpfs on /run (its sockets and a
# config drop-in), our directory as /run/log/journal, and the hostname "fw". Nothing of the host's
# journal setup is touched, and the mounts vanish with the process.
cap_journal_start() {
  mkdir -p "$CAP_DIR/journal"
  record -n "collector: systemd-journald (Storage=volatile, hostname fw), read with \`${CAP_LOCALE:+LC_TIME=$CAP_LOCALE.UTF-8 }journalctl -k -o $CAP_ARG\`"
  lab_spawn journald unshare --mount --uts --propagation private bash -euc '
    hostname fw
    mount -t tmpfs -o mode=0755 tmpfs /run
    mkdir -p /run/systemd/journald.conf.d /run/log/journal
    printf "[Journal]\nStorage=volatile\nForwardToSyslog=no\nForwardToWall=no\nForwardToConsole=no\n" \
      >/run/systemd/journald.conf.d/portsleuth.conf
    mount --bind "$1" /run/log/journal
    exec /lib/systemd/systemd-journald' journald "$CAP_DIR/journal"
  CAP_PID="$LAB_LAST_PID"
}

cap_journal_read() {
  local dir
  for dir in "$CAP_DIR"/journal/*/; do
    [[ -d "$dir" ]] && cap_in_locale journalctl --directory "$dir" -k -o "$CAP_ARG" --no-pager 2>/dev/null
  done
  return 0
}

# Runs a command with LC_TIME=$CAP_LOCALE (compiled once per run with localedef, so the host needs
# only the locales package's definitions), or as it is when no locale was asked for.
cap_in_locale() {
  if [[ -z "$CAP_LOCALE" ]]; then
    "$@"
    return
  fi
  local dir="$LAB_TMP/locales"
  if [[ ! -d "$dir/$CAP_LOCALE.UTF-8" ]]; then
    mkdir -p "$dir"
    localedef -i "$CAP_LOCALE" -f UTF-8 "$dir/$CAP_LOCALE.UTF-8" >"$LAB_TMP/localedef.out" 2>&1 ||
      die "localedef $CAP_LOCALE failed: $(tail -n 3 "$LAB_TMP/localedef.out")"
  fi
  LOCPATH="$dir" LC_ALL="$CAP_LOCALE.UTF-8" "$@"
}

# dmesg: nothing runs during the capture; the ring buffer is read back when it ends. The markers
# are in it too, and delimit the scenario.
cap_dmesg_start() {
  case "$CAP_ARG" in
    plain) record -n "collector: none; read back with \`dmesg\` (the kernel's uptime stamps)" ;;
    ctime) record -n "collector: none; read back with \`${CAP_LOCALE:+LC_TIME=$CAP_LOCALE.UTF-8 }dmesg -T\`" ;;
    *) die "unknown dmesg mode '$CAP_ARG'" ;;
  esac
}

cap_dmesg_read() {
  if [[ "$CAP_ARG" == ctime ]]; then cap_in_locale dmesg -T; else dmesg; fi
}

# ulogd2 runs inside the target namespace because NFLOG netlink groups are per namespace.
cap_ulogd_start() {
  local plugdir="" d p
  for d in /usr/lib/*/ulogd /usr/lib/ulogd; do [[ -e "$d/ulogd_inppkt_NFLOG.so" ]] && plugdir="$d"; done
  [[ -n "$plugdir" ]] || die "ulogd2 plugins not found (apt-get install ulogd2)"
  {
    printf '[global]\nlogfile="%s"\nloglevel=3\n' "$CAP_DIR/ulogd.log"
    for p in inppkt_NFLOG raw2packet_BASE filter_IFINDEX filter_IP2STR filter_PRINTPKT output_LOGEMU; do
      printf 'plugin="%s/ulogd_%s.so"\n' "$plugdir" "$p"
    done
    printf 'stack=log1:NFLOG,base1:BASE,ifi1:IFINDEX,ip2str1:IP2STR,print1:PRINTPKT,emu1:LOGEMU\n'
    printf '[log1]\ngroup=%s\n[emu1]\nfile="%s"\nsync=1\n' "$CAP_NFLOG_GROUP" "$CAP_DIR/raw.log"
  } >"$CAP_DIR/ulogd.conf"
  record -n "collector: ulogd2 in the target namespace, stack NFLOG → BASE → IFINDEX → IP2STR → PRINTPKT → LOGEMU, hostname fw"
  lab_spawn ulogd ip netns exec "$LAB_NS_TGT" unshare --uts sh -c 'hostname fw && exec ulogd -c "$1"' ulogd "$CAP_DIR/ulogd.conf"
  CAP_PID="$LAB_LAST_PID"
  # An NFLOG packet for a group nobody has bound yet is lost, so wait for the bind.
  local i
  for ((i = 0; i < 50; i++)); do
    in_tgt awk -v g="$CAP_NFLOG_GROUP" '$1 == g { found = 1 } END { exit !found }' \
      /proc/net/netfilter/nfnetlink_log && return 0
    lab_alive "$CAP_PID" || break
    sleep 0.1
  done
  die "ulogd did not bind NFLOG group $CAP_NFLOG_GROUP: $(cat "$LAB_TMP/ulogd.out" "$CAP_DIR/ulogd.log" 2>/dev/null)"
}

# Waits until the target's log counters stop moving: packets still in flight when a tool exits
# must be logged before the end marker.
lab_settle() {
  local prev now i
  prev="$(lab_logged_count)"
  for ((i = 0; i < 50; i++)); do
    sleep 0.3
    now="$(lab_logged_count)"
    [[ "$now" == "$prev" ]] && return 0
    prev="$now"
  done
  die "$SCENARIO: firewall kept logging for 15 s after the traffic stopped"
}

# Prints the scenario's raw output (markers and other kernel noise included).
cap_raw() {
  case "$CAP_KIND" in
    rsyslog | klog | ulogd) cat "$CAP_DIR/raw.log" 2>/dev/null || true ;;
    journal) cap_journal_read | awk -v b="$CAP_TOKEN-begin" 'on { print } index($0, b) { on = 1 }' ;;
    dmesg) cap_dmesg_read | awk -v b="$CAP_TOKEN-begin" 'on { print } index($0, b) { on = 1 }' ;;
  esac
}

# Keeps only our lab's firewall lines: arriving on the target's eth0 from the scanner's MAC
# (MAC=<dst>:<src>:<type>, or MACSRC= with --log-macdecode), or sent by the target itself out of its
# eth0 (OUTPUT chain: `IN= OUT=eth0`, no MAC) from one of its lab addresses.
cap_filter() {
  awk -v in_="IN=$LAB_IF " -v mac="$LAB_MAC_SCAN" -v out4="IN= OUT=$LAB_IF SRC=$LAB_TGT4 " -v out6="IN= OUT=$LAB_IF SRC=$LAB_TGT6 " \
    '(index($0, in_) && index($0, mac)) || index($0, out4) || index($0, out6)'
}

# Ends the capture: flush barrier, completeness check, fixture written to OUT.
capture_finish() {
  local out="$1" expected got i raw="$CAP_DIR/raw.filtered"
  lab_settle
  # Cut the wire: retransmissions of orphaned sockets must not trickle in after the end marker.
  ip -n "$LAB_NS_SCAN" link set "$LAB_IF" down
  lab_settle
  kmsg_mark end
  for ((i = 0; i < 100; i++)); do
    if [[ "$CAP_KIND" == ulogd ]]; then
      # ulogd never sees /dev/kmsg: its flush barrier is the NFLOG packet count.
      (($(cap_raw | cap_filter | wc -l) >= $(lab_logged_count))) && break
    else
      # Reading to the end (no grep -q, no early exit) keeps pipefail from seeing a SIGPIPE.
      cap_raw | grep -F "$CAP_TOKEN-end" >/dev/null && break
    fi
    [[ -z "$CAP_PID" ]] || lab_alive "$CAP_PID" || die "$SCENARIO: collector died: $(cat "$LAB_TMP/"*.out 2>/dev/null | tail -5)"
    sleep 0.1
  done
  ((i < 100)) || die "$SCENARIO: collector did not write the end marker within 10 s"
  expected="$(lab_logged_count)"
  cap_raw | awk -v e="$CAP_TOKEN-end" 'index($0, e) { done = 1 } !done { print }' | cap_filter >"$raw"
  [[ -z "$CAP_PID" ]] || lab_stop_pid "$CAP_PID"
  got="$(wc -l <"$raw")"
  ((got > 0)) || die "$SCENARIO: no firewall lines captured"
  ((got == expected)) || die "$SCENARIO: captured $got lines but the firewall logged $expected packets"
  local host
  host="$(hostname)"
  if [[ "$host" != fw ]] && grep -qF " $host " "$raw"; then
    die "$SCENARIO: build machine's hostname '$host' leaked into the capture"
  fi
  mv "$raw" "$out"
  log "$SCENARIO: $got lines -> $out"
}
