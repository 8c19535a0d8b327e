#!/usr/bin/env bash
# The long fuzzing run: every fuzz target for an hour (FUZZ_SECONDS), two at a time on a
# 2-core machine (FUZZ_PARALLEL), each corpus kept in build-fuzz/corpus/<target> so the next run
# starts where this one stopped. About 4 hours for the 8 targets. The results table goes in
# tests/fuzz/README.md ("Last long run"); findings are in build-fuzz/fuzz-findings/.
#
#   bench/fuzz-long.sh                 # all targets, 3600 s each
#   FUZZ_SECONDS=600 bench/fuzz-long.sh go_text pprof
set -u -o pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export BUILD_DIR=${BUILD_DIR:-$root/build-fuzz}
export FUZZ_CORPUS_DIR=${FUZZ_CORPUS_DIR:-$BUILD_DIR/corpus}
export FUZZ_PARALLEL=${FUZZ_PARALLEL:-2}
log=$BUILD_DIR/fuzz-long-$(date +%Y%m%d-%H%M%S).log
mkdir -p "$BUILD_DIR"
echo "logging to $log"
# The code fuzzed is the tree as the fuzzers are built, at the start: record it then.
tree="$(git -C "$root" rev-parse --short HEAD 2>/dev/null)"
[[ -n $(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null) ]] && tree+=" (with local changes)"
started=$(date -u +%Y-%m-%dT%H:%MZ)
"$root/tests/fuzz/run-fuzzers.sh" "${FUZZ_SECONDS:-3600}" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
echo "started $started, ended $(date -u +%Y-%m-%dT%H:%MZ), tree $tree, clang $(clang++ --version | sed -n 's/.*version \([0-9.]*\).*/\1/p;q')" >>"$log"
exit "$status"
