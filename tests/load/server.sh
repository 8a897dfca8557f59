#!/usr/bin/env bash
# Sourced by the load scripts: starts the Release server (SERVER_DLL) on its own data directory with budgets wide open
# on PORT, stops it and removes the directory on exit, signs in LOAD_USER, and defines rss_kb / hwm_kb (the server's
# RSS and peak), json (a Python expression over a JSON text) and run (submit a job spec, wait for it to end, print it).
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
account="{\"email\":\"${LOAD_USER:-load}@deepnet.test\",\"password\":\"Deep-net-2026\"}"
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

