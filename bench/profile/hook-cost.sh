#!/usr/bin/env bash
# What one no-op app-wide onRequest hook costs: bench/servers/vectora.mjs without and with VECTORA_NOOP_HOOK=1,
# interleaved ROUNDS times (5), each a 1 s warm-up and a 4 s `wrk -t1 -c100` on GET /. Prints req/s, the
# server's CPU per request (utime+stime of the process, /proc/PID/stat) and that of its JavaScript thread alone
# (/proc/PID/task/PID/stat): CPU per request moves less with machine noise than req/s does.
#
#   bench/profile/hook-cost.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
port=${PORT:-3914}
ticks() { awk '{print $14+$15}' "$1"; }
run() {
  local label=$1 hook=$2 log
  log=$(mktemp)
  VECTORA_NOOP_HOOK=$hook PORT=$port node bench/servers/vectora.mjs >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do grep -q READY "$log" && break; sleep 0.1; done
  wrk -t1 -c100 -d1s "http://127.0.0.1:$port/" >/dev/null
  local t0 m0 t1 m1 out
  t0=$(ticks /proc/$pid/stat) m0=$(ticks /proc/$pid/task/$pid/stat)
  out=$(wrk -t1 -c100 -d4s "http://127.0.0.1:$port/")
  t1=$(ticks /proc/$pid/stat) m1=$(ticks /proc/$pid/task/$pid/stat)
  kill -TERM $pid
  wait $pid || true
  rm -f "$log"
  local hz reqs
  hz=$(getconf CLK_TCK)
  reqs=$(awk '/requests in/{print $1}' <<<"$out")
  awk -v l="$label" -v rps="$(awk '/Requests\/sec/{print $2}' <<<"$out")" -v t=$((t1 - t0)) -v m=$((m1 - m0)) -v n="$reqs" -v hz="$hz" \
    'BEGIN { printf "%-8s %9.0f req/s  cpu %5.2f us/req  js thread %5.2f us/req\n", l, rps, t * 1e6 / hz / n, m * 1e6 / hz / n }'
}
for _ in $(seq "${1:-5}"); do
  run no-hook 0
  run hook 1
done
