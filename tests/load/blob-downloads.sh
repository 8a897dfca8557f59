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

port=${PORT:-5189}
base="http://127.0.0.1:$port"
data=$(mktemp -d)
dll=${SERVER_DLL:-src/DeepNet.Server/bin/Release/net10.0/DeepNet.Server.dll}
[ -f "$dll" ] || { echo "build first: dotnet build src/DeepNet.Server -c Release"; exit 2; }

Storage__DataDirectory="$data" Storage__QuotaMB=65536 Jobs__MaxJobMemoryMB=65536 Jobs__MaxModelMB=4096 \
  Jobs__MaxCheckpointMB=4096 Jobs__MaxRunTime=24:00:00 \
  ASPNETCORE_URLS="$base" dotnet "$dll" >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$server/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$server/status"; }
json() { python3 -c 'import json,sys; v=json.loads(sys.argv[1]); print(eval(sys.argv[2], {"j": v}))' "$1" "$2"; }

for _ in $(seq 1 120); do curl -sf "$base/health" >/dev/null && break; sleep 0.5; done
account='{"email":"downloads@deepnet.test","password":"Deep-net-2026"}'
curl -sf -X POST "$base/api/auth/register" -H 'Content-Type: application/json' -d "$account" >/dev/null || true
token=$(json "$(curl -sf -X POST "$base/api/auth/login" -H 'Content-Type: application/json' -d "$account")" 'j["accessToken"]')
auth=(-H "Authorization: Bearer $token")

job=$(curl -s "${auth[@]}" -X POST "$base/api/jobs" -H 'Content-Type: application/json' -d "$spec")
echo "$job" | grep -q '"id"' || { echo "submission refused: $job" >&2; exit 1; }
id=$(json "$job" 'j["id"]')
for _ in $(seq 1 3600); do
  job=$(curl -sf "${auth[@]}" "$base/api/jobs/$id")
  status=$(json "$job" 'j["status"]')
  case $status in Succeeded|Failed|Canceled) break ;; esac
  sleep 1
done
[ "$status" = Succeeded ] || { echo "job $status" >&2; tail -20 "$data/server.log" >&2; exit 1; }
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
