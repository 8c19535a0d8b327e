#!/usr/bin/env bash
# Runs one end-to-end suite: every <case>.sh in SUITE_DIR, checked against <case>.exit and,
# where present, <case>.stdout.exact, <case>.stderr.exact or <case>.stderr.glob (a bash
# pattern). Cases run in a scratch directory with TD (the taskdiff binary), TESTDATA and
# SRC (the source tree) set; an optional SUITE_DIR/setup is sourced first.
#
#   run-suite.sh TASKDIFF SUITE_DIR
#   TASKDIFF_UPDATE=1 run-suite.sh ...   rewrite the expectations from this run (review the diff)
#   TASKDIFF_KEEP=1 run-suite.sh ...     keep the scratch directories
set -u
TD=$(realpath "$1")
SUITE_DIR=$(realpath "$2")
SRC=$(realpath "$(dirname "$0")/../..")
TESTDATA="$SRC/testdata"
export TD SRC TESTDATA NO_COLOR=1
failed=0
count=0
for case_file in "$SUITE_DIR"/*.sh; do
  [ -e "$case_file" ] || continue
  name=$(basename "$case_file" .sh)
  base="$SUITE_DIR/$name"
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/taskdiff-e2e-$name.XXXXXX")
  count=$((count + 1))
  (
    cd "$scratch" || exit 99
    [ -f "$SUITE_DIR/setup" ] && . "$SUITE_DIR/setup"
    bash "$case_file" >"$scratch/.stdout" 2>"$scratch/.stderr"
  )
  rc=$?
  if [ "${TASKDIFF_UPDATE:-}" = 1 ]; then
    echo "$rc" >"$base.exit"
    [ -f "$base.stdout.exact" ] && cp "$scratch/.stdout" "$base.stdout.exact"
    [ -f "$base.stderr.exact" ] && cp "$scratch/.stderr" "$base.stderr.exact"
  fi
  problems=""
  want=$(cat "$base.exit" 2>/dev/null || echo "(no $name.exit)")
  [ "$rc" = "$want" ] || problems+=" exit $rc, want $want;"
  if [ -f "$base.stdout.exact" ] && ! cmp -s "$scratch/.stdout" "$base.stdout.exact"; then
    problems+=" stdout differs;"
    diff -u "$base.stdout.exact" "$scratch/.stdout" | head -40
  fi
  if [ -f "$base.stderr.exact" ] && ! cmp -s "$scratch/.stderr" "$base.stderr.exact"; then
    problems+=" stderr differs;"
    diff -u "$base.stderr.exact" "$scratch/.stderr" | head -20
  fi
  if [ -f "$base.stderr.glob" ]; then
    # shellcheck disable=SC2053
    [[ "$(cat "$scratch/.stderr")" == $(cat "$base.stderr.glob") ]] || {
      problems+=" stderr does not match $name.stderr.glob;"
      sed 's/^/    stderr: /' "$scratch/.stderr" | head -10
    }
  fi
  if [ -n "$problems" ]; then
    echo "FAIL $name:$problems"
    failed=$((failed + 1))
  else
    echo "ok   $name"
  fi
  [ "${TASKDIFF_KEEP:-}" = 1 ] && echo "     scratch: $scratch" || rm -rf "$scratch"
done
echo "$((count - failed))/$count cases passed in $(basename "$SUITE_DIR")"
[ "$count" -gt 0 ] && [ "$failed" = 0 ]
