#!/usr/bin/env bash
# Requests per second of cognito-identity-local, and of moto_server beside it, for the same
# calls on loopback, measured with wrk (keep-alive, one load thread, 16 connections):
# DescribeIdentityPool, GetId for a known login (a read), and GetId creating a new identity
# each time (a durable write). Then, with --identities N, the emulator's resident memory
# after N identities are stored.
#
#   emulator/bench/throughput.sh [--seconds S] [--identities N]
#
# Needs wrk and curl (apt-get install wrk curl). moto is taken from target/interop-venv,
# which `cargo test -p tests --test moto` creates; without it only the emulator is measured.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=10
identities=0
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --identities) identities=$2; shift 2 ;;
        *) echo "usage: $0 [--seconds S] [--identities N]" >&2; exit 2 ;;
    esac
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is missing: apt-get install curl" >&2; exit 1; }

cargo build --release -q -p cognito-identity-local
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

call() { # URL TARGET BODY
    curl -sS -X POST "$1/" -H 'Content-Type: application/x-amz-json-1.1' \
        -H "X-Amz-Target: AWSCognitoIdentityService.$2" \
        -H 'Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/cognito-identity/aws4_request, SignedHeaders=host, Signature=0' \
        -d "$3"
}
new_pool() { # URL -> pool id
    call "$1" CreateIdentityPool \
        '{"IdentityPoolName":"bench","AllowUnauthenticatedIdentities":true,"SupportedLoginProviders":{"graph.facebook.com":"123"}}' |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["IdentityPoolId"])'
}
measure() { # NAME URL
    local pool
    pool=$(new_pool "$2")
    echo "== $1"
    TARGET=DescribeIdentityPool BODY="{\"IdentityPoolId\":\"$pool\"}" \
        wrk -t1 -c16 -d"${seconds}s" -s emulator/bench/call.lua "$2/" | tail -1
    TARGET=GetId BODY="{\"IdentityPoolId\":\"$pool\",\"Logins\":{\"graph.facebook.com\":\"known-user\"}}" \
        wrk -t1 -c16 -d"${seconds}s" -s emulator/bench/call.lua "$2/" | tail -1
    UNIQUE=1 TARGET=GetId BODY="{\"IdentityPoolId\":\"$pool\",\"Logins\":{\"graph.facebook.com\":\"user-%d\"}}" \
        wrk -t1 -c16 -d"${seconds}s" -s emulator/bench/call.lua "$2/" | tail -1 | sed 's/^GetId/GetId (new identity each time)/'
}

./target/release/cognito-identity-local --port 0 --data-dir "$work/data" --log-level error > "$work/url" &
pids+=($!)
emulator_pid=$!
for _ in $(seq 50); do [ -s "$work/url" ] && break; sleep 0.1; done
emulator=$(head -1 "$work/url")
measure "cognito-identity-local (data dir: every write committed)" "$emulator"

moto=target/interop-venv/bin/moto_server
if [ -x "$moto" ]; then
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$moto" -H 127.0.0.1 -p "$port" > "$work/moto.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do curl -s "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.2; done
    measure "moto_server" "http://127.0.0.1:$port"
else
    echo "== moto_server: not measured ($moto is missing; cargo test -p tests --test moto makes it)"
fi

if [ "$identities" -gt 0 ]; then
    pool=$(new_pool "$emulator")
    echo "== storing $identities identities"
    per_connection=$(( (identities + 15) / 16 ))
    start=$(date +%s)
    : > "$work/done"
    LIMIT=$per_connection DONE_FILE="$work/done" UNIQUE=1 TARGET=GetId \
        BODY="{\"IdentityPoolId\":\"$pool\",\"Logins\":{\"graph.facebook.com\":\"many-%d\"}}" \
        wrk -t16 -c16 -d3600s -s emulator/bench/call.lua "$emulator/" > "$work/fill" &
    fill=$!
    # Every thread stops after its share; wrk would still wait out its duration.
    while [ "$(wc -l < "$work/done")" -lt 16 ] && kill -0 "$fill" 2>/dev/null; do sleep 1; done
    took=$(( $(date +%s) - start ))
    kill -INT "$fill" 2>/dev/null || true
    wait "$fill" || true
    echo "$(( per_connection * 16 )) identities stored in $took s (errors: $(tail -1 "$work/fill" | sed 's/.*errors //'))"
    grep -E 'VmRSS|VmHWM' "/proc/$emulator_pid/status"
    du -sh "$work/data"
fi
