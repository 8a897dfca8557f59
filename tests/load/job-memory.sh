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

LOAD_USER=memory
source tests/load/server.sh

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
