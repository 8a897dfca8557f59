#!/usr/bin/env bash
# Streaming downloads from the blob store (issue 12: "10 concurrent downloads of a 160 MB model add < 100 MB of RSS").
# Starts the Release server on its own data directory with budgets wide open, trains SPEC.json (default a DBN whose
# model file is about 160 MB), downloads the model once (warm), resets the peak (/proc/PID/clear_refs), then runs
# CONCURRENT downloads at once (each rate-limited so they overlap) and prints the peak RSS above idle.
#   dotnet build src/DeepNet.Server -c Release && tests/load/blob-downloads.sh [SPEC.json]
# Prints "model <MB> downloads <N> idle <MB> peak above idle <MB>"; exits 1 when the peak adds LIMIT_MB (100) or more,
# or when a download is not the whole file.
set -euo pipefail
cd "$(dirname "$0")/../.."
spec=$(cat "${1:-tests/load/specs/dbn-160mb.json}")
concurrent=${CONCURRENT:-10}
limit_mb=${LIMIT_MB:-100}

LOAD_USER=downloads
source tests/load/server.sh

job=$(run "$spec")
job=$(curl -sf "${auth[@]}" "$base/api/jobs/$(json "$job" 'j["id"]')")
url="$base/api/models/$(json "$job" 'j["modelId"]')/file"

size=$(curl -sf "${auth[@]}" -o /dev/null -w '%{size_download}' "$url")
sleep 5
idle=$(rss_kb)
echo 5 >"/proc/$server/clear_refs"   # VmHWM := VmRSS
pids=()
for i in $(seq 1 "$concurrent"); do
  curl -sf "${auth[@]}" --limit-rate 40M -o /dev/null -w '%{size_download}\n' "$url" >"$data/download-$i" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
peak=$(hwm_kb)
for i in $(seq 1 "$concurrent"); do
  [ "$(cat "$data/download-$i")" = "$size" ] || { echo "download $i: $(cat "$data/download-$i") of $size bytes" >&2; exit 1; }
done
added=$(((peak - idle) / 1024))
echo "model $((size / 1048576)) MB downloads $concurrent idle $((idle / 1024)) MB peak above idle $added MB"
(( added < limit_mb ))
