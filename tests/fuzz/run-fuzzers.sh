#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for SECONDS, seeded from
# testdata/ and the target's past crashers. Exit status 1 when any target finds something (its
# reproducer is copied to $BUILD_DIR/fuzz-findings/), 2 on a build problem, 0 when clean.
#
#   tests/fuzz/run-fuzzers.sh 60                  # CI: every target, a minute each
#   tests/fuzz/run-fuzzers.sh 300 go_text diff    # some targets, longer
#
# Environment:
#   BUILD_DIR        build directory (default: build-fuzz at the top of the source tree)
#   FUZZ_CORPUS_DIR  keep each target's corpus in FUZZ_CORPUS_DIR/<target> across runs (default:
#                    a temporary directory, removed at the end); testdata/ is never written
#   FUZZ_PARALLEL    targets run at once (default 1)
#   FUZZ_MAX_LEN     longest input the fuzzers make (default 65536)
#
# A finding: minimize it (`$BUILD_DIR/tests/fuzz/fuzz_T -minimize_crash=1 -runs=10000 FILE`), save
# it as tests/fuzz/regressions/T/NAME, list it in tests/fuzz/regressions/README.md; ctest then
# replays it with any compiler (fuzz.replay.T).
set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:-}
if [[ ! $seconds =~ ^[0-9]+$ ]]; then
  echo "usage: $0 SECONDS [TARGET...]" >&2
  exit 2
fi
shift
build=${BUILD_DIR:-$root/build-fuzz}
parallel=${FUZZ_PARALLEL:-1}
max_len=${FUZZ_MAX_LEN:-65536}
separator=$'\n--taskdiff-fuzz-split--\n' # fuzz_diff.cpp's k_separator

all_targets=$(sed -n 's/^set(TASKDIFF_FUZZ_TARGETS \(.*\))$/\1/p' "$here/targets.cmake")
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  read -r -a targets <<<"$all_targets"
fi
for t in "${targets[@]}"; do
  if [[ " $all_targets " != *" $t "* ]]; then
    echo "$0: unknown target '$t' (known: $all_targets)" >&2
    exit 2
  fi
done

if ! command -v clang++ >/dev/null; then
  echo "$0: clang++ not found (Debian 12: apt-get install clang libclang-rt-14-dev)" >&2
  exit 2
fi
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
echo "== building the fuzzers in $build"
mkdir -p "$build"
if ! cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTASKDIFF_SANITIZE=ON -DTASKDIFF_FUZZ=ON \
    -DBUILD_TESTING=OFF >"$build/configure.log" 2>&1; then
  cat "$build/configure.log" >&2
  exit 2
fi
if ! cmake --build "$build" --target fuzzers taskdiff -j "$(nproc)"; then
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/taskdiff-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
findings=$build/fuzz-findings
mkdir -p "$findings"

# Seeds: every small file of testdata/ (each target keeps those that reach new code), the
# target's crashers, and for some targets inputs made from testdata (never written back).
seed() {
  local t=$1 dir=$2
  find "$root/testdata" -type f -size -64k -print0 | while IFS= read -r -d '' f; do
    cp "$f" "$dir/$(echo "$f" | md5sum | cut -c1-16)"
  done
  if [[ -d $here/regressions/$t ]]; then
    cp "$here/regressions/$t"/* "$dir/" 2>/dev/null
  fi
  case $t in
  pprof)
    for f in "$root"/testdata/pprof/*.pb.gz; do
      gzip -dc "$f" >"$dir/raw-$(basename "$f" .gz)"
    done
    ;;
  snapshot)
    local n=0
    for f in "$root"/testdata/go/*.txt "$root"/testdata/corpus/*/base.* "$root"/testdata/java/*.txt; do
      n=$((n + 1))
      "$build/taskdiff" snapshot "$f" -o "$dir/snapshot-$n.json" >/dev/null 2>&1 || true
    done
    ;;
  diff)
    for base in "$root"/testdata/corpus/*/base.*; do
      local cand=${base/\/base./\/cand.}
      [[ -f $cand ]] || continue
      { cat "$base"; printf '%s' "$separator"; cat "$cand"; } >"$dir/pair-$(echo "$base" | md5sum | cut -c1-16)"
    done
    ;;
  esac
}

run_one() {
  local t=$1 corpus
  if [[ -n ${FUZZ_CORPUS_DIR:-} ]]; then
    corpus=$FUZZ_CORPUS_DIR/$t
  else
    corpus=$work/corpus-$t
  fi
  mkdir -p "$corpus" "$work/artifacts-$t"
  seed "$t" "$corpus"
  local dict=()
  [[ -f $here/dict/$t.dict ]] && dict=(-dict="$here/dict/$t.dict")
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
    "$build/tests/fuzz/fuzz_$t" "${dict[@]}" -max_total_time="$seconds" -timeout=20 \
      -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1 \
      -artifact_prefix="$work/artifacts-$t/" "$corpus" >"$work/log-$t" 2>&1
  local rc=$?
  local execs cov
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log-$t" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$work/log-$t" | tail -1 | cut -d' ' -f2)
  if [[ $rc -eq 0 ]]; then
    printf '%-12s clean     %8s runs  cov %6s  corpus %5s files\n' "$t" "${execs:-?}" "${cov:-?}" \
      "$(ls "$corpus" | wc -l)" >"$work/result-$t"
  else
    cp "$work/artifacts-$t"/* "$findings/" 2>/dev/null
    cp "$work/log-$t" "$findings/$t.log"
    printf '%-12s FINDING   %8s runs  cov %6s  see %s\n' "$t" "${execs:-?}" "${cov:-?}" \
      "$findings/$t.log" >"$work/result-$t"
    grep -m3 -E 'ERROR: |fuzz finding|runtime error|uncaught exception|Test unit written' "$work/log-$t" \
      | sed 's/^/    /' >>"$work/result-$t"
  fi
  cat "$work/result-$t"
}

echo "== fuzzing ${targets[*]} for ${seconds}s each"
running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [[ $running -ge $parallel ]]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

echo "== summary"
status=0
for t in "${targets[@]}"; do
  cat "$work/result-$t"
  grep -q FINDING "$work/result-$t" && status=1
done
exit $status
