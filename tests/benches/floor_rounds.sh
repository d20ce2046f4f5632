#!/usr/bin/env bash
# Our transport against the wire's floor, in alternating rounds against one canned server.
#
#   tests/benches/floor_rounds.sh FLOOR_BINARY URL [calls=20000] [rounds=5] [transport=ours]
#
# FLOOR_BINARY is the official SDK harness's binary (built from its own package, outside
# this workspace) and URL the address its `serve` printed. Each round runs the harness's
# `floor` client, then the loopback bench (`floor` part: GetCredentialsForIdentity
# sequentially, then over 16 concurrent tasks), and prints both and their ratios: µs per
# sequential call, ours over the floor's, and calls per second with 16 at once, ours over
# the floor's. Last it prints the median of each ratio over the rounds. The machine's load
# drifts, so only ratios from one round, taken within seconds, are compared.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 FLOOR_BINARY URL [calls] [rounds] [ours|hyper-util]" >&2
    exit 2
fi
floor=$1
url=$2
calls=${3:-20000}
rounds=${4:-5}
transport=${5:-ours}
if [[ ! -x $floor ]]; then
    echo "error: \`$floor\` is not an executable (build the SDK harness with cargo build --release)" >&2
    exit 2
fi

cd "$(dirname "$0")/../.."
cargo bench -q -p tests --bench loopback --no-run
bench() {
    cargo bench -q -p tests --bench loopback -- "$url" "$calls" 16 "$transport" floor
}

# The number before `unit` on the line matching `pattern`.
field() {
    local pattern=$1 unit=$2
    awk -v p="$pattern" -v u="$unit" 'index($0, p) { for (i = 2; i <= NF; i++) if ($i == u) print $(i - 1) }'
}

seq_ratios=()
conc_ratios=()
for ((round = 1; round <= rounds; round++)); do
    f=$("$floor" floor "$url" "$calls" 16)
    o=$(bench)
    f_seq=$(field "sequential" "µs/call" <<<"$f" | head -1)
    f_conc=$(field "threads" "calls/s" <<<"$f" | head -1)
    o_seq=$(field "sequential" "µs/call" <<<"$o" | head -1)
    o_conc=$(field "concurrent" "calls/s" <<<"$o" | head -1)
    if [[ -z $f_seq || -z $f_conc || -z $o_seq || -z $o_conc ]]; then
        echo "error: could not read the figures of round $round:" >&2
        printf '%s\n%s\n' "$f" "$o" >&2
        exit 1
    fi
    seq_ratio=$(awk -v a="$o_seq" -v b="$f_seq" 'BEGIN { printf "%.2f", a / b }')
    conc_ratio=$(awk -v a="$o_conc" -v b="$f_conc" 'BEGIN { printf "%.2f", a / b }')
    seq_ratios+=("$seq_ratio")
    conc_ratios+=("$conc_ratio")
    echo "round $round: sequential floor $f_seq µs, $transport $o_seq µs (${seq_ratio}x);" \
        "16 at once floor $f_conc/s, $transport $o_conc/s (${conc_ratio}x)"
done

median() {
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
echo "median of $rounds rounds: sequential $(median "${seq_ratios[@]}")x the floor's µs per call;" \
    "16 at once $(median "${conc_ratios[@]}")x the floor's calls per second"
