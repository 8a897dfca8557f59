#!/usr/bin/env bash
# Load script for issue 11 (budgets and memory return), run against a Release build of the server:
#   1. a DBN job whose memory estimate is near the per-job budget (Jobs:MaxJobMemoryMB, set here) runs; the server's
#      peak RSS above idle must stay within 1.25 × that budget;
#   2. ten concurrent downloads of its model (≈ 280 MB: the stack and the fine-tuned network) run at once;
#   3. within a minute the server's RSS must be back within 1.5 × its idle figure (idle: after the same work at a
#      small size, so the figure includes the code and caches any served server has).
# Prints each figure and exits 1 when a bound is broken.
#   dotnet build DeepNetService.sln -c Release && tests/load/memory-return.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

port=${PORT:-5187}
budget_mb=${BUDGET_MB:-1792}
# The job's model file (≈ 281 MiB) is over the default Jobs:MaxModelMB (256).
model_mb=${MODEL_MB:-320}
base="http://127.0.0.1:$port"
data=$(mktemp -d)
dll=src/DeepNet.Server/bin/Release/net10.0/DeepNet.Server.dll
[ -f "$dll" ] || { echo "build first: dotnet build DeepNetService.sln -c Release"; exit 2; }

Storage__DataDirectory="$data" Jobs__MaxJobMemoryMB="$budget_mb" Jobs__MaxModelMB="$model_mb" ASPNETCORE_URLS="$base" \
  dotnet "$dll" >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$server/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$server/status"; }
mb() { echo $(( $1 / 1024 )); }

for _ in $(seq 1 120); do curl -sf "$base/health" >/dev/null && break; sleep 0.5; done
curl -sf -X POST "$base/api/auth/register" -H 'Content-Type: application/json' \
  -d '{"email":"load@deepnet.test","password":"Deep-net-2026"}' >/dev/null || true
token=$(curl -sf -X POST "$base/api/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"load@deepnet.test","password":"Deep-net-2026"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
auth=(-H "Authorization: Bearer $token")

submit() { # layer width → job JSON
  curl -s "${auth[@]}" -X POST "$base/api/jobs" -H 'Content-Type: application/json' -d '{
  "name": "memory load", "kind": "dbn", "data": {"limit": 300},
  "dbn": {"layers": [{"hiddenUnits": '"$1"'}, {"hiddenUnits": '"$1"'}, {"hiddenUnits": '"$1"'}],
          "pretraining": "none", "fineTuning": "global",
          "backprop": {"learningRate": 0.01, "momentum": 0.9, "batchSize": 50, "epochs": 1},
          "validation": 100, "testLimit": 200, "seed": 1}}'
}
wait_model() { # job id → "Succeeded <model id>" or the final status
  local status=""
  for _ in $(seq 1 600); do
    status=$(curl -sf "${auth[@]}" "$base/api/jobs/$1" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["status"], j.get("modelId") or "")')
    case $status in Succeeded*|Failed*|Canceled*) break ;; esac
    sleep 1
  done
  echo "$status"
}

# Idle: after the same kinds of work at a small size (every code path once), settled.
for path in /api/jobs /api/models /api/gallery /api/limits /api/storage; do curl -sf "${auth[@]}" "$base$path" >/dev/null; done
warm=$(submit 32)
warm_model=$(wait_model "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$warm")")
curl -sf "${auth[@]}" "$base/api/models/${warm_model#Succeeded }/file" -o /dev/null
sleep 12
idle=$(rss_kb)
echo "idle RSS: $(mb "$idle") MB"

# 1. A DBN of three 4096-unit layers (36.8 M parameters; its checkpoint is near Jobs:MaxCheckpointMB), one epoch of global fine-tuning.
job=$(submit 4096)
echo "$job" | grep -q '"id"' || { echo "submission refused: $job"; exit 1; }
job_id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$job")
estimate=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["estimate"]["peakMemoryBytes"])' "$job")
echo "job $job_id: estimated peak memory $(( estimate / 1048576 )) MB, budget $budget_mb MB"
status=$(wait_model "$job_id")
echo "job: $status"
[[ $status == Succeeded* ]] || { tail -20 "$data/server.log"; exit 1; }
model_id=${status#Succeeded }
job_peak=$(hwm_kb)
echo "peak RSS during the job: $(mb "$job_peak") MB (above idle: $(mb $((job_peak - idle))) MB)"

# 2. Ten concurrent downloads of the model.
size=$(curl -sf "${auth[@]}" "$base/api/models/$model_id/file" -o /dev/null -w '%{size_download}')
echo "model file: $(( size / 1048576 )) MB"
peak=0
( while :; do r=$(rss_kb); echo "$r"; sleep 0.2; done ) >"$data/rss.txt" &
sampler=$!
for _ in $(seq 1 10); do curl -sf "${auth[@]}" "$base/api/models/$model_id/file" -o /dev/null & done
wait $(jobs -p | grep -v "^$sampler$" | grep -v "^$server$") 2>/dev/null || true
kill $sampler; wait $sampler 2>/dev/null || true
peak=$(sort -n "$data/rss.txt" | tail -1)
echo "peak RSS during 10 downloads: $(mb "$peak") MB (above idle: $(mb $((peak - idle))) MB)"

# 3. Back to idle within a minute.
final=$(rss_kb)
for t in $(seq 5 5 60); do
  sleep 5
  final=$(rss_kb)
  if (( final * 2 <= idle * 3 )); then break; fi
done
echo "RSS after ${t} s: $(mb "$final") MB = $(python3 -c "print(f'{$final/$idle:.2f}')") × idle"

grep -A1 "Returned memory" "$data/server.log" | grep -o "working set.*" || true
ok=0
if (( (job_peak - idle) * 4 > budget_mb * 1024 * 5 )); then echo "FAIL: the job's RSS above idle passed 1.25 × the budget"; ok=1; fi
if (( final * 2 > idle * 3 )); then echo "FAIL: RSS did not return within 1.5 × idle in a minute"; ok=1; fi
[ $ok -eq 0 ] && echo "OK"
exit $ok
