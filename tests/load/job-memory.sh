#!/usr/bin/env bash
# Estimate against measurement for one job (issue 11: "an accepted spec at the limit runs without exceeding the memory
# budget by more than 25 %"). Starts the Release server on its own data directory with budgets wide open, warms it with
# WARM.json (the same kind at a small size, so idle includes every code path), resets the peak (/proc/PID/clear_refs),
# runs SPEC.json and prints the kind's estimate beside the peak RSS above idle.
#   dotnet build DeepNetService.sln -c Release && tests/load/job-memory.sh tests/load/specs/dbn.json tests/load/specs/dbn-warm.json
# Prints "estimate <MB> measured <MB> ratio <measured/estimate>"; exits 1 when measured > 1.25 × estimate.
set -euo pipefail
cd "$(dirname "$0")/../.."
spec=$(cat "$1")
warm_spec=$(cat "${2:-$1}")

port=${PORT:-5188}
base="http://127.0.0.1:$port"
data=$(mktemp -d)
dll=${SERVER_DLL:-src/DeepNet.Server/bin/Release/net10.0/DeepNet.Server.dll}
[ -f "$dll" ] || { echo "build first: dotnet build DeepNetService.sln -c Release"; exit 2; }

Storage__DataDirectory="$data" Storage__QuotaMB=65536 Jobs__MaxJobMemoryMB=65536 Jobs__MaxModelMB=4096 \
  Jobs__MaxCheckpointMB=4096 Jobs__MaxRunTime=24:00:00 ASPNETCORE_URLS="$base" dotnet "$dll" >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$server/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$server/status"; }
json() { python3 -c 'import json,sys; v=json.loads(sys.argv[1]); print(eval(sys.argv[2], {"j": v}))' "$1" "$2"; }

for _ in $(seq 1 120); do curl -sf "$base/health" >/dev/null && break; sleep 0.5; done
account='{"email":"memory@deepnet.test","password":"Deep-net-2026"}'
curl -sf -X POST "$base/api/auth/register" -H 'Content-Type: application/json' -d "$account" >/dev/null || true
token=$(json "$(curl -sf -X POST "$base/api/auth/login" -H 'Content-Type: application/json' -d "$account")" 'j["accessToken"]')
auth=(-H "Authorization: Bearer $token")

run() { # spec JSON → prints the submission; waits for the job to end
  local job status
  job=$(curl -s "${auth[@]}" -X POST "$base/api/jobs" -H 'Content-Type: application/json' -d "$1")
  echo "$job" | grep -q '"id"' || { echo "submission refused: $job" >&2; exit 1; }
  for _ in $(seq 1 3600); do
    status=$(json "$(curl -sf "${auth[@]}" "$base/api/jobs/$(json "$job" 'j["id"]')")" '" ".join([j["status"], str((j.get("progress") or {}).get("phase")), str(len(j.get("stages") or []))])')
    [ -z "${TRACE:-}" ] || echo "$(date +%s.%N) $status" >>"$TRACE"
    status=${status%% *}
    case $status in Succeeded|Failed|Canceled) break ;; esac
    sleep 1
  done
  [ "$status" = Succeeded ] || { echo "job $status" >&2; tail -20 "$data/server.log" >&2; exit 1; }
  echo "$job"
}

run "$warm_spec" >/dev/null
sleep 12
idle=$(rss_kb)
echo 5 >"/proc/$server/clear_refs"   # VmHWM := VmRSS
if [ -n "${TRACE:-}" ]; then
  (while [ -e "/proc/$server/status" ]; do echo "$(date +%s.%N) rss $(rss_kb)"; sleep 0.1; done) >>"$TRACE" 2>/dev/null &
fi
job=$(run "$spec")
peak=$(hwm_kb)
estimate=$(json "$job" 'j["estimate"]["peakMemoryBytes"] // 1024')
echo "idle $((idle / 1024)) MB"
measured=$((peak - idle))
echo "estimate $((estimate / 1024)) MB measured $((measured / 1024)) MB ratio $(python3 -c "print(f'{$measured/$estimate:.2f}')")"
(( measured * 4 <= estimate * 5 ))
