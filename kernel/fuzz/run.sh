#!/usr/bin/env bash
# kernel/fuzz/run.sh — builds the kernel's fuzz targets (cargo fuzz, libFuzzer) and runs each for a bounded time.
#
#   kernel/fuzz/run.sh [seconds per target, default 60] [target ...]   (default: every target)
#
# Targets: router, wire_headers, body_limit, problem_json (fuzz_targets/*.rs says what each checks). Each run
# starts from the committed seeds in corpus/<target>/ and writes what it finds to a scratch directory, so
# the committed corpus stays small; a crash leaves its input in artifacts/<target>/ and fails the script.
#
# Stable Rust: cargo fuzz passes nightly-only flags to rustc (-Zsanitizer=address, the sancov passes).
# RUSTC_BOOTSTRAP=1 lets a stable compiler accept them, so no nightly toolchain is needed. Needs
# cargo-fuzz (`cargo install cargo-fuzz --locked`) and a C++ compiler (libfuzzer-sys builds libFuzzer).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
SECONDS_PER_TARGET=${1:-60}
shift || true
ALL_TARGETS=(router wire_headers body_limit problem_json)
TARGETS=("$@")
[ "${#TARGETS[@]}" -gt 0 ] || TARGETS=("${ALL_TARGETS[@]}")

export RUSTC_BOOTSTRAP=1
cargo fuzz --version >/dev/null 2>&1 || { echo "error: cargo-fuzz is not installed (cargo install cargo-fuzz --locked)" >&2; exit 1; }

started=$(date +%s)
echo "building ${TARGETS[*]} ($(rustc --version))"
for target in "${TARGETS[@]}"; do
  cargo fuzz build "$target"
done
echo "built in $(($(date +%s) - started)) s"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=()
for target in "${TARGETS[@]}"; do
  mkdir -p "$scratch/$target"
  args=(-max_total_time="$SECONDS_PER_TARGET" -timeout=10 -print_final_stats=1)
  if [ -f "fuzz/$target.dict" ]; then args+=(-dict="fuzz/$target.dict"); fi
  log="$scratch/$target.log"
  if cargo fuzz run "$target" "$scratch/$target" "fuzz/corpus/$target" -- "${args[@]}" >"$log" 2>&1; then
    runs=$(grep -oE '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n1 | awk '{print $2 " runs in " $5 " s"}')
    echo "$target: ok, ${runs:-? runs} ($(grep -oE 'cov: [0-9]+' "$log" | tail -n1), corpus $(find "$scratch/$target" -type f | wc -l) inputs)"
  else
    failed+=("$target")
    echo "$target: FAILED"
    grep -E -A12 "panicked at|ERROR: libFuzzer|ERROR: AddressSanitizer" "$log" | head -n 40 || tail -n 40 "$log"
    grep -E "Test unit written to|cargo fuzz (run|fmt|tmin) " "$log" || true
  fi
done

echo "fuzzing took $(($(date +%s) - started)) s"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "error: fuzz targets failed: ${failed[*]}" >&2
  exit 1
fi
