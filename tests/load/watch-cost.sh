#!/usr/bin/env bash
# What watching costs (issue 13 point 1): one training job, its throughput measured without watchers, with N watchers
# (tests/load/watchers.mjs: SignalR over WebSocket, every announced image fetched once, as a browser does), and without
# again; prints the throughput cost and what each watcher received per second.
#   dotnet build src/DeepNet.Server -c Release && tests/load/watch-cost.sh [WATCHERS=50] [SECONDS=30] [SPEC.json]
# Needs node ≥ 20 (run with --experimental-websocket). SERVER_DLL picks another build (e.g. main's, for a before/after).
set -euo pipefail
cd "$(dirname "$0")/../.."
watchers=${1:-50}
seconds=${2:-30}
spec=$(cat "${3:-tests/load/specs/watched-rbm.json}")

port=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
base="http://127.0.0.1:$port"
data=$(mktemp -d)
dll=${SERVER_DLL:-src/DeepNet.Server/bin/Release/net10.0/DeepNet.Server.dll}
[ -f "$dll" ] || { echo "build first: dotnet build src/DeepNet.Server -c Release"; exit 2; }

Storage__DataDirectory="$data" Jobs__MaxRunTime=24:00:00 RateLimits__Auth__PermitLimit=100000 RateLimits__Auth__Window=00:01:00 \
  ASPNETCORE_URLS="$base" dotnet "$dll" >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; [ -z "${KEEP:-}" ] && rm -rf "$data"; true' EXIT

json() { python3 -c 'import json,sys; v=json.loads(sys.argv[1]); print(eval(sys.argv[2], {"j": v}))' "$1" "$2"; }
for _ in $(seq 1 120); do curl -sf "$base/health" >/dev/null && break; sleep 0.5; done
account='{"email":"watch-cost@deepnet.test","password":"Deep-net-2026"}'
curl -sf -X POST "$base/api/auth/register" -H 'Content-Type: application/json' -d "$account" >/dev/null || true
token=$(json "$(curl -sf -X POST "$base/api/auth/login" -H 'Content-Type: application/json' -d "$account")" 'j["accessToken"]')
auth=(-H "Authorization: Bearer $token")

job=$(curl -s "${auth[@]}" -X POST "$base/api/jobs" -H 'Content-Type: application/json' -d "$spec")
id=$(json "$job" 'j["id"]')
batch=$(json "$spec" 'j["rbm"]["batchSize"]')

samples() { # samples trained so far, from the job's live progress (a busy server may miss one read: asked again)
  local answer=""
  for _ in 1 2 3 4 5; do answer=$(curl -sf "${auth[@]}" "$base/api/jobs/$id") && break; sleep 0.2; done
  # On stdin: with every epoch's report the job outgrows one command-line argument.
  python3 -c "import json,sys; p=json.load(sys.stdin).get('progress'); print(p and ((p['epoch']-1)*p['batchesPerEpoch']+p['batch'])*$batch or 0)" <<<"$answer"
}
rate() { # samples/s over $seconds
  local s0 s1 t0 t1
  s0=$(samples); t0=$(date +%s.%N)
  sleep "$seconds"
  s1=$(samples); t1=$(date +%s.%N)
  python3 -c "print(round(($s1-$s0)/($t1-$t0)))"
}

for _ in $(seq 1 600); do [ "$(samples)" != 0 ] && break; sleep 0.5; done
sleep 20 # past loading the data and the first batches
before=$(rate)
node --experimental-websocket --no-warnings tests/load/watchers.mjs "$base" "$token" "$id" "$watchers" "$seconds" >"$data/watchers.json" &
watching=$!
sleep 1
during=$(rate)
wait $watching
after=$(rate)
curl -sf "${auth[@]}" -X POST "$base/api/jobs/$id/cancel" >/dev/null || true
echo "samples/s without watchers $before, with $watchers watchers $during, without again $after"
python3 -c "b=($before+$after)/2; print(f'throughput cost of $watchers watchers: {100*(1-$during/b):.1f} %')"
cat "$data/watchers.json"
