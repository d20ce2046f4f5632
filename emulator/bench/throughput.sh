#!/usr/bin/env bash
# Requests per second of cognito-identity-local, and of moto_server beside it, for the same
# calls on loopback, measured with wrk (keep-alive, one load thread, 16 connections):
# DescribeIdentityPool, GetId for a known login (a read), and GetId creating a new identity
# each time (a durable write); for the emulator also GetCredentialsForIdentity with a user
# pool ID token whose signature it verifies (--trust) beside the same call for a guest. Then,
# with --identities N, the emulator's resident memory after N identities are stored.
# --binary PATH measures another build of the emulator (an older commit's, for a side-by-side
# ratio); --skip-moto leaves moto out.
#
#   emulator/bench/throughput.sh [--seconds S] [--identities N] [--binary PATH] [--skip-moto]
#
# Needs wrk and curl (apt-get install wrk curl). moto is taken from target/interop-venv,
# which `cargo test -p tests --test moto` creates; without it only the emulator is measured.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=10
identities=0
binary=./target/release/cognito-identity-local
skip_moto=0
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --identities) identities=$2; shift 2 ;;
        --binary) binary=$2; shift 2 ;;
        --skip-moto) skip_moto=1; shift ;;
        *) echo "usage: $0 [--seconds S] [--identities N] [--binary PATH] [--skip-moto]" >&2; exit 2 ;;
    esac
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is missing: apt-get install curl" >&2; exit 1; }

cargo build --release -q -p cognito-identity-local --bin cognito-identity-local --example mint_token
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

# A user pool the emulator trusts: its keys in a JWKS file, one ID token for the bench.
user_pool=cognito-idp.us-east-1.amazonaws.com/us-east-1_Bench
trust=()
if "$binary" --help | grep -q -- --trust; then
    id_token=$(./target/release/examples/mint_token --jwks "$work/jwks.json" \
        --iss "https://$user_pool" --aud benchclient --sub bench-user --lifetime 86400)
    trust=(--trust "$user_pool=$work/jwks.json")
fi
"$binary" --port 0 --data-dir "$work/data" --log-level error "${trust[@]}" > "$work/url" &
pids+=($!)
emulator_pid=$!
for _ in $(seq 50); do [ -s "$work/url" ] && break; sleep 0.1; done
emulator=$(head -1 "$work/url")
measure "cognito-identity-local (data dir: every write committed)" "$emulator"

if [ ${#trust[@]} -gt 0 ]; then
    echo "== cognito-identity-local: credentials for a verified user pool login and for a guest"
    pool=$(call "$emulator" CreateIdentityPool \
        "{\"IdentityPoolName\":\"bench\",\"AllowUnauthenticatedIdentities\":true,\"CognitoIdentityProviders\":[{\"ProviderName\":\"$user_pool\",\"ClientId\":\"benchclient\"}]}" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["IdentityPoolId"])')
    call "$emulator" SetIdentityPoolRoles \
        "{\"IdentityPoolId\":\"$pool\",\"Roles\":{\"authenticated\":\"arn:aws:iam::123456789012:role/A\",\"unauthenticated\":\"arn:aws:iam::123456789012:role/U\"}}" >/dev/null
    logins="{\"$user_pool\":\"$id_token\"}"
    user=$(call "$emulator" GetId "{\"IdentityPoolId\":\"$pool\",\"Logins\":$logins}" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["IdentityId"])')
    guest=$(call "$emulator" GetId "{\"IdentityPoolId\":\"$pool\"}" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["IdentityId"])')
    TARGET=GetCredentialsForIdentity BODY="{\"IdentityId\":\"$user\",\"Logins\":$logins}" \
        wrk -t1 -c16 -d"${seconds}s" -s emulator/bench/call.lua "$emulator/" | tail -1 |
        sed 's/^GetCredentialsForIdentity/GetCredentialsForIdentity (verified user pool login)/'
    TARGET=GetCredentialsForIdentity BODY="{\"IdentityId\":\"$guest\"}" \
        wrk -t1 -c16 -d"${seconds}s" -s emulator/bench/call.lua "$emulator/" | tail -1 |
        sed 's/^GetCredentialsForIdentity/GetCredentialsForIdentity (guest)/'
fi

moto=target/interop-venv/bin/moto_server
if [ "$skip_moto" = 1 ]; then
    echo "== moto_server: skipped (--skip-moto)"
elif [ -x "$moto" ]; then
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
