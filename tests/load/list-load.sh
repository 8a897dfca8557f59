#!/usr/bin/env bash
# Load script for issue 13 point 2 (serving costs almost nothing): each list endpoint alone — GET /api/jobs,
# /api/models, /api/gallery — under CONNECTIONS closed-loop clients for SECONDS, plain and revalidating with
# If-None-Match; prints requests/s and p50/p99 per endpoint (target: ≥ 500 requests/s at p99 ≤ 50 ms on 2 cores).
# The account has JOBS finished jobs and their models first (small RBMs, a few seconds each).
#   dotnet build src/DeepNet.Server -c Release && tests/load/list-load.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

port=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
connections=${CONNECTIONS:-8}
seconds=${SECONDS_PER_RUN:-10}
jobs=${JOBS:-12}
base="http://127.0.0.1:$port"
data=$(mktemp -d)
dll=src/DeepNet.Server/bin/Release/net10.0/DeepNet.Server.dll
[ -f "$dll" ] || { echo "build first: dotnet build src/DeepNet.Server -c Release"; exit 2; }

# List reads are not rate-limited; the jobs are within the default queue limit (12) and submit rate (30/min).
Storage__DataDirectory="$data" ASPNETCORE_URLS="$base" dotnet "$dll" >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT

for _ in $(seq 1 120); do curl -sf "$base/health" >/dev/null && break; sleep 0.5; done
curl -sf -X POST "$base/api/auth/register" -H 'Content-Type: application/json' \
  -d '{"email":"load@deepnet.test","password":"Deep-net-2026"}' >/dev/null || true
token=$(curl -sf -X POST "$base/api/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"load@deepnet.test","password":"Deep-net-2026"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
auth=(-H "Authorization: Bearer $token")

for i in $(seq 1 "$jobs"); do
  curl -sf "${auth[@]}" -X POST "$base/api/jobs" -H 'Content-Type: application/json' -d "{
    \"name\": \"load $i\", \"rbm\": {\"hiddenUnits\": 16, \"epochs\": 2, \"seed\": $i},
    \"data\": {\"classes\": [1, 2, 3], \"limit\": 500, \"imageSize\": 16}}" >/dev/null
done
for _ in $(seq 1 600); do
  left=$(curl -sf "${auth[@]}" "$base/api/jobs?pageSize=200" | python3 -c 'import json,sys; print(sum(j["status"] in ("Queued","Running") for j in json.load(sys.stdin)))')
  [ "$left" = 0 ] && break
  sleep 1
done
echo "account: $jobs jobs and their models; $connections connections, $seconds s per run"

run() { dotnet run tests/load/ListLoad.cs -- "$@"; }
for path in /api/jobs /api/models /api/gallery; do
  run "$base$path" "$token" "$connections" "$seconds"
  run "$base$path" "$token" "$connections" "$seconds" conditional
done
