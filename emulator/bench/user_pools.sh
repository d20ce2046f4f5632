#!/usr/bin/env bash
# Requests per second of cognito-identity-local's user pools on loopback, measured with wrk
# (keep-alive, one load thread, 16 connections) beside DescribeIdentityPool as the anchor, in
# one sitting: AdminGetUser, GetUser with an access token, and InitiateAuth USER_PASSWORD_AUTH
# (a password check and two RS256 signatures per call). The pool, its client and the user come
# from a --config seed. Then, optionally: the same three calls against moto_server, the SRP
# handshake's latency (the `srp_handshake` bench), and the resident memory with N users stored.
#
#   emulator/bench/user_pools.sh [--seconds S] [--binary PATH] [--moto PATH] [--srp N] [--users N]
#
# --binary measures another build (an older commit's, for a side-by-side ratio); --moto names a
# moto_server (pip install 'moto[server]' in a virtualenv); --srp N runs N SRP sign-ins one
# after another and prints their p50 and p99; --users N starts a second emulator seeded with N
# users (no passwords) and prints its VmRSS and VmHWM. Needs wrk, curl and python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=10
binary=./target/release/cognito-identity-local
moto=
srp=0
users=0
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --binary) binary=$2; shift 2 ;;
        --moto) moto=$2; shift 2 ;;
        --srp) srp=$2; shift 2 ;;
        --users) users=$2; shift 2 ;;
        *) echo "usage: $0 [--seconds S] [--binary PATH] [--moto PATH] [--srp N] [--users N]" >&2; exit 2 ;;
    esac
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is missing: apt-get install curl" >&2; exit 1; }

if [ "$binary" = ./target/release/cognito-identity-local ]; then
    cargo build --release -q -p cognito-identity-local --bin cognito-identity-local
fi
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

pool=us-east-1_BenchPool
client=benchclient
password='Passw0rd!'
call() { # URL PREFIX TARGET BODY
    # moto picks the service by the credential scope, so it names the right one.
    local service=cognito-idp
    [ "$2" = AWSCognitoIdentityService ] && service=cognito-identity
    curl -sS -X POST "$1/" -H 'Content-Type: application/x-amz-json-1.1' \
        -H "X-Amz-Target: $2.$3" \
        -H "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/$service/aws4_request, SignedHeaders=host, Signature=0" \
        -d "$4"
}
field() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
start_emulator() { # CONFIG DIR -> its URL in $url, its pid in $started
    "$binary" --port 0 --data-dir "$2/data" --log-level error --config "$1" > "$2/url" 2> "$2/log" &
    started=$!
    pids+=("$started")
    # A large seed takes minutes: wait while it runs.
    while [ ! -s "$2/url" ] && kill -0 "$started" 2>/dev/null; do sleep 0.2; done
    [ -s "$2/url" ] || { echo "the emulator stopped: $(cat "$2/log")" >&2; exit 1; }
    url=$(head -1 "$2/url")
}
run() { # URL PREFIX TARGET BODY [LABEL]
    PREFIX=$2 TARGET=$3 BODY=$4 wrk -t1 -c16 -d"${seconds}s" -s emulator/bench/call.lua "$1/" |
        tail -1 | sed "s/^$3/${5:-$3}/"
}
measure_pools() { # NAME URL POOL CLIENT
    local token
    token=$(call "$2" AWSCognitoIdentityProviderService InitiateAuth \
        "{\"AuthFlow\":\"USER_PASSWORD_AUTH\",\"ClientId\":\"$4\",\"AuthParameters\":{\"USERNAME\":\"bench\",\"PASSWORD\":\"$password\"}}" |
        field '["AuthenticationResult"]["AccessToken"]')
    run "$2" AWSCognitoIdentityProviderService AdminGetUser \
        "{\"UserPoolId\":\"$3\",\"Username\":\"bench\"}"
    run "$2" AWSCognitoIdentityProviderService GetUser "{\"AccessToken\":\"$token\"}"
    run "$2" AWSCognitoIdentityProviderService InitiateAuth \
        "{\"AuthFlow\":\"USER_PASSWORD_AUTH\",\"ClientId\":\"$4\",\"AuthParameters\":{\"USERNAME\":\"bench\",\"PASSWORD\":\"$password\"}}" \
        "InitiateAuth USER_PASSWORD_AUTH"
}

cat > "$work/seed.json" <<JSON
{"seed": {"UserPools": [{"Id": "$pool", "PoolName": "bench",
  "Clients": [{"ClientId": "$client", "ClientName": "bench",
    "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}],
  "Users": [{"Username": "bench", "Password": "$password", "Attributes": {"email": "bench@example.com"}}]}]}}
JSON
mkdir -p "$work/main"
start_emulator "$work/seed.json" "$work/main"
emulator=$url
identity_pool=$(call "$emulator" AWSCognitoIdentityService CreateIdentityPool \
    '{"IdentityPoolName":"bench","AllowUnauthenticatedIdentities":true}' | field '["IdentityPoolId"]')
echo "== cognito-identity-local ($binary)"
run "$emulator" AWSCognitoIdentityService DescribeIdentityPool \
    "{\"IdentityPoolId\":\"$identity_pool\"}" "DescribeIdentityPool (anchor)"
measure_pools cognito-identity-local "$emulator" "$pool" "$client"

if [ -n "$moto" ]; then
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$moto" -H 127.0.0.1 -p "$port" > "$work/moto.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do curl -s "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.2; done
    m="http://127.0.0.1:$port"
    p=AWSCognitoIdentityProviderService
    moto_pool=$(call "$m" $p CreateUserPool '{"PoolName":"bench"}' | field '["UserPool"]["Id"]')
    moto_client=$(call "$m" $p CreateUserPoolClient \
        "{\"UserPoolId\":\"$moto_pool\",\"ClientName\":\"bench\",\"ExplicitAuthFlows\":[\"ALLOW_USER_PASSWORD_AUTH\",\"ALLOW_REFRESH_TOKEN_AUTH\"]}" |
        field '["UserPoolClient"]["ClientId"]')
    call "$m" $p AdminCreateUser "{\"UserPoolId\":\"$moto_pool\",\"Username\":\"bench\",\"MessageAction\":\"SUPPRESS\"}" >/dev/null
    call "$m" $p AdminSetUserPassword \
        "{\"UserPoolId\":\"$moto_pool\",\"Username\":\"bench\",\"Password\":\"$password\",\"Permanent\":true}" >/dev/null
    moto_identity_pool=$(call "$m" AWSCognitoIdentityService CreateIdentityPool \
        '{"IdentityPoolName":"bench","AllowUnauthenticatedIdentities":true}' | field '["IdentityPoolId"]')
    echo "== moto_server ($moto)"
    run "$m" AWSCognitoIdentityService DescribeIdentityPool \
        "{\"IdentityPoolId\":\"$moto_identity_pool\"}" "DescribeIdentityPool (anchor)"
    measure_pools moto_server "$m" "$moto_pool" "$moto_client"
fi

if [ "$srp" -gt 0 ]; then
    echo "== SRP sign-in (InitiateAuth USER_SRP_AUTH + RespondToAuthChallenge), $srp in a row"
    cargo bench -q -p cognito-identity-local --bench srp_handshake -- \
        "$emulator" "$pool" "$client" bench "$password" "$srp"
fi

if [ "$users" -gt 0 ]; then
    python3 - "$users" "$work/many.json" <<'PY'
import json, sys
n, path = int(sys.argv[1]), sys.argv[2]
users = [{"Username": f"user{i:07d}", "Attributes": {"email": f"user{i:07d}@example.com"}} for i in range(n)]
seed = {"seed": {"UserPools": [{"Id": "us-east-1_ManyUsers", "PoolName": "many", "Users": users}]}}
json.dump(seed, open(path, "w"))
PY
    mkdir -p "$work/many"
    begin=$(date +%s)
    start_emulator "$work/many.json" "$work/many"
    many=$url
    echo "== $users users seeded in $(( $(date +%s) - begin )) s"
    call "$many" AWSCognitoIdentityProviderService AdminGetUser \
        '{"UserPoolId":"us-east-1_ManyUsers","Username":"user0000042"}' | field '["Username"]'
    grep -E 'VmRSS|VmHWM' "/proc/$started/status"
    du -sh "$work/many/data"
fi
