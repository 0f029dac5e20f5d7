#!/usr/bin/env bash
# Checks the hand-written ruleset fixtures (test/fixtures/rulesets) against the real tools, each in a
# scratch network namespace, and writes the JSON ones from what nft really prints:
#   *.v4 / *.v6   loaded with iptables-restore / ip6tables-restore; iptables-save must print the same
#                 rules back (comment lines aside), so the files are in iptables-save's own shape
#   *.nft         loaded with nft -f; `nft -j list ruleset` is written next to it as *.json
#   iptables-nft-NAME.json
#                 the nft view of NAME.v4 loaded with iptables-nft (rules with xt statements)
# Run as root from the repository root: scripts/rulesets/refresh.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=test/fixtures/rulesets
ns="psl-fwfixtures-$$"
cleanup() { ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$ns"
inns() { ip netns exec "$ns" "$@"; }
fresh() { inns nft flush ruleset; }
rules() { grep -v '^#' "$1"; }

status=0
for f in "$dir"/*.v4 "$dir"/*.v6; do
  fresh
  case "$f" in *.v6) restore=ip6tables-restore save=ip6tables-save ;; *) restore=iptables-restore save=iptables-save ;; esac
  inns "$restore" <"$f"
  if ! diff -u <(rules "$f") <(inns "$save" | grep -v '^#') >/dev/null; then
    echo "$f: $save prints it differently:" >&2
    diff -u <(rules "$f") <(inns "$save" | grep -v '^#') >&2 || true
    status=1
  fi
done
for f in "$dir"/*.nft; do
  fresh
  inns nft -f "$f"
  inns nft -j list ruleset >"${f%.nft}.json"
  inns nft -j -c -f "${f%.nft}.json"
done
for name in plain-unlogged ufw-on docker; do
  fresh
  inns iptables-restore <"$dir/$name.v4"
  inns nft -j list ruleset >"$dir/iptables-nft-$name.json"
done
exit "$status"
