#!/usr/bin/env bash
# Checks the hand-written ruleset fixtures (test/fixtures/rulesets) against the real tools, each in a
# fresh network namespace, and writes the JSON ones from what nft really prints:
#   *.v4 / *.v6   loaded with iptables-restore / ip6tables-restore; iptables-save must print the same
#                 rules back (comment lines aside), so the files are in iptables-save's own shape
#   *.nft         loaded with nft -f; `nft -j list ruleset` is written next to it as *.json
#   iptables-nft-NAME.json
#                 the nft view of NAME.v4 loaded with iptables-nft (rules with xt statements)
# Run as root from the repository root: scripts/rulesets/refresh.sh [--check]
# --check writes nothing and fails when a JSON fixture differs from what nft prints now (the
# metainfo object, which names the nft version, aside).
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=test/fixtures/rulesets
check=0
[[ "${1:-}" == --check ]] && check=1
ns="psl-fwfixtures-$$"
out=$(mktemp -d)
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$out"; }
trap cleanup EXIT
inns() { ip netns exec "$ns" "$@"; }
# A fresh namespace per fixture, so that nft's table and rule handles always start from 1.
fresh() { ip netns del "$ns" 2>/dev/null || true; ip netns add "$ns"; }
rules() { grep -v '^#' "$1"; }
same_json() {
  python3 - "$1" "$2" <<'PY'
import json, sys
load = lambda p: [x for x in json.load(open(p))["nftables"] if "metainfo" not in x]
sys.exit(0 if load(sys.argv[1]) == load(sys.argv[2]) else 1)
PY
}
status=0
emit() { # emit GENERATED TARGET
  if [[ $check == 1 ]]; then
    if ! same_json "$1" "$2"; then echo "$2: differs from what nft prints now (run $0)" >&2; status=1; fi
  else
    cp "$1" "$2"
  fi
}

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
  inns nft -j list ruleset >"$out/json"
  inns nft -j -c -f "$out/json"
  emit "$out/json" "${f%.nft}.json"
done
for name in plain-unlogged ufw-on docker; do
  fresh
  inns iptables-restore <"$dir/$name.v4"
  inns nft -j list ruleset >"$out/json"
  emit "$out/json" "$dir/iptables-nft-$name.json"
done
exit "$status"
