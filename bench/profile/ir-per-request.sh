#!/usr/bin/env bash
# Instructions per request of a server, from valgrind's callgrind: the server is run twice under callgrind,
# serving N and 4N requests (bench/profile/client.mjs), and the difference of the two totals divided by 3N is
# its user-space cost of one request, free of start-up and of machine noise (kernel time is not counted:
# compare syscalls with `strace -f -c`). Prints the total and the 25 functions that grew most; the two
# callgrind files stay in $OUT for callgrind_annotate.
#
#   bench/profile/ir-per-request.sh NAME PATH N CMD...
#   bench/profile/ir-per-request.sh vectora /nope 2000 node bench/servers/vectora.mjs
#   VECTORA_NOOP_HOOK=1 bench/profile/ir-per-request.sh hook / 2000 node bench/servers/vectora.mjs
#   bench/profile/ir-per-request.sh hyper /nope 2000 target/release/raw-hyper
#
# The server must print `READY <port>` and listen on $PORT. Environment passes through to it.
set -euo pipefail
name=$1 path=$2 n=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-/tmp/vectora-ir}
port=${PORT:-3913}
mkdir -p "$OUT"
run() {
  local count=$1 file="$OUT/$name-$1.cg" log="$OUT/$name-$1.log"
  shift
  rm -f "$file"
  PORT=$port valgrind --tool=callgrind --callgrind-out-file="$file" "$@" >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 600); do grep -q READY "$log" && break; sleep 0.2; done
  node "$here/client.mjs" "$port" "$path" "$count" 10
  kill -TERM "$pid"
  wait "$pid" || true
}
run "$n" "$@"
run $((4 * n)) "$@"
python3 "$here/diff-callgrind.py" "$OUT/$name-$n.cg" "$OUT/$name-$((4 * n)).cg" $((3 * n))
