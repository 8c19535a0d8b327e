#!/usr/bin/env bash
# Determinism: the same inputs give byte-identical reports across runs and parser thread counts.
# The inputs are over 16 MiB, so with --threads 2 and more each is parsed in ranges on several
# threads (detect.cpp, k_min_split_bytes) and the halves merged; --threads 1 reads it in one go.
#
#   tests/determinism.sh path/to/taskdiff
#
# Inputs are generated at run time by shared/tools/scale-dump.py (beside the repository, or
# $SCALE_DUMP); without it the test is skipped (exit 77), not passed.
set -u -o pipefail
TD=${1:?usage: determinism.sh path/to/taskdiff}
TD=$(cd "$(dirname "$TD")" && pwd)/$(basename "$TD")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
T=$root/testdata
scale=${SCALE_DUMP:-}
for candidate in "$root/../shared/tools/scale-dump.py" /work/shared/tools/scale-dump.py; do
  [[ -z $scale && -f $candidate ]] && scale=$candidate
done
if [[ -z $scale ]] || ! command -v python3 >/dev/null; then
  echo "SKIP: needs python3 and shared/tools/scale-dump.py (or SCALE_DUMP=path)"
  exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/taskdiff-determinism.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# debug=2: a healthy base and a candidate with a 500-goroutine leak, 40,000 goroutines each.
python3 "$scale" -n 40000 -o base.txt "$T/corpus/healthy/base.debug2.txt" >/dev/null 2>&1 || exit 1
python3 "$scale" -n 40000 -o cand.txt "$T/corpus/healthy/cand.debug2.txt" \
  --inject-from "$T/corpus/unbuffered-chan/cand.debug2.txt" \
  --inject-match 'quote\.\(\*Pricer\)\.fetch' --inject-count 500 >/dev/null 2>&1 || exit 1
# debug=1: many distinct groups, counts scaled to a million goroutines.
python3 "$scale" -n 1000000 --distinct-groups 4000 -o base1.txt "$T/corpus/healthy/base.debug1.txt" >/dev/null 2>&1 || exit 1
python3 "$scale" -n 1000000 --distinct-groups 4000 --seed 2 -o cand1.txt "$T/corpus/healthy/cand.debug1.txt" >/dev/null 2>&1 || exit 1

fail=0
for f in base.txt cand.txt base1.txt cand1.txt; do
  size=$(wc -c <"$f")
  if ((size <= 16 << 20)); then
    echo "FAIL: $f is $size bytes, not over the 16 MiB split threshold: the test would not split it"
    fail=1
  fi
done

# run NAME ARGS...: the report on stdout, the exit status in NAME.rc.
run() {
  local name=$1
  shift
  "$TD" "$@" >"$name.out" 2>"$name.err"
  echo $? >"$name.rc"
}
# FILE is refused (exit 2) with --threads 1 and 2 alike, the message holding PATTERN.
refused_alike() {
  local what=$1 file=$2 pattern=$3
  run "$file-t1" show --threads 1 "$file"
  run "$file-t2" show --threads 2 "$file"
  if [[ $(cat "$file-t1.rc") != 2 || $(cat "$file-t2.rc") != 2 ]] ||
    ! cmp -s "$file-t1.err" "$file-t2.err" || ! grep -qF -- "$pattern" "$file-t1.err"; then
    echo "FAIL: $what: exit $(cat "$file-t1.rc") / $(cat "$file-t2.rc"):" \
      "$(cat "$file-t1.err") / $(cat "$file-t2.err")"
    fail=1
  else
    echo "ok   $what refused alike with --threads 1 and 2: $(cat "$file-t2.err")"
  fi
}
compare() {
  local what=$1 a=$2 b=$3
  if [[ $(cat "$a.rc") != [01] ]]; then
    echo "FAIL: $what: exit $(cat "$a.rc"): $(head -c 300 "$a.err")"
    fail=1
  elif ! cmp -s "$a.out" "$b.out" || ! cmp -s "$a.rc" "$b.rc"; then
    echo "FAIL: $what: $a and $b differ"
    diff "$a.out" "$b.out" | head -20
    fail=1
  else
    echo "ok   $what ($(wc -c <"$a.out") bytes, exit $(cat "$a.rc"))"
  fi
}

for pair in "base.txt cand.txt" "base1.txt cand1.txt"; do
  set -- $pair
  tag=${1%.txt}
  run "$tag-json-t2-a" diff --format json --threads 2 "$1" "$2"
  run "$tag-json-t2-b" diff --format json --threads 2 "$1" "$2"
  run "$tag-json-t1" diff --format json --threads 1 "$1" "$2"
  run "$tag-json-t4" diff --format json --threads 4 "$1" "$2"
  run "$tag-text-t1" diff --format text --color never --threads 1 "$1" "$2"
  run "$tag-text-t2" diff --format text --color never --threads 2 "$1" "$2"
  run "$tag-show-t1" show --format json --threads 1 "$2"
  run "$tag-show-t3" show --format json --threads 3 "$2"
  run "$tag-snap-t1" snapshot --threads 1 "$2"
  run "$tag-snap-t2" snapshot --threads 2 "$2"
  compare "$tag: diff --format json, two runs" "$tag-json-t2-a" "$tag-json-t2-b"
  compare "$tag: diff --format json, --threads 1 vs 2" "$tag-json-t1" "$tag-json-t2-a"
  compare "$tag: diff --format json, --threads 1 vs 4" "$tag-json-t1" "$tag-json-t4"
  compare "$tag: diff text, --threads 1 vs 2" "$tag-text-t1" "$tag-text-t2"
  compare "$tag: show --format json, --threads 1 vs 3" "$tag-show-t1" "$tag-show-t3"
  compare "$tag: snapshot, --threads 1 vs 2" "$tag-snap-t1" "$tag-snap-t2"
done
# Three ranges, the later two holding stacks new to the first (tests/determinism-ranges.py): the
# stacks keep file order when merged, so the group shows its first stack whatever the threads.
python3 "$here/determinism-ranges.py" >ranges.txt || exit 1
run ranges-t1 show --format json --threads 1 ranges.txt
for t in 3 4; do
  for i in 1 2 3; do
    run ranges-t$t-$i show --format json --threads $t ranges.txt
    compare "three ranges with new stacks: show --format json, --threads 1 vs $t (run $i)" \
      ranges-t1 ranges-t$t-$i
  done
done
run ranges-snap-t1 snapshot --threads 1 ranges.txt
run ranges-snap-t3 snapshot --threads 3 ranges.txt
compare "three ranges with new stacks: snapshot, --threads 1 vs 3" ranges-snap-t1 ranges-snap-t3

# Crash output over 16 MiB (two SIGQUIT dumps in one log, the second after a restart): never
# split, so every thread count compares the last dump only.
python3 "$scale" -n 20000 -o half.txt "$T/corpus/healthy/base.debug2.txt" >/dev/null 2>&1 || exit 1
# SIGQUIT output ends with the register dump (amd64: 21 lines)
registers=$(printf '%-6s 0x0\\n' rax rbx rcx rdx rdi rsi rbp rsp r8 r9 r10 r11 r12 r13 r14 r15 rip rflags cs fs gs)
{ printf "SIGQUIT: quit\nPC=0x45f580 m=0 sigcode=0\n\n"; cat half.txt; printf "\n$registers""exit status 2\nrestarting\nSIGQUIT: quit\nPC=0x45f580 m=0 sigcode=0\n\n"; cat half.txt; printf "\n$registers"; } >crash.txt
run crash-t1 show --format json --threads 1 crash.txt
run crash-t2 show --format json --threads 2 crash.txt
compare "crash log with two dumps: show --format json, --threads 1 vs 2" crash-t1 crash-t2
# Two debug=2 dumps glued together, goroutine 1 in each half: refused whatever the thread count
# (with --threads 2 each half is parsed by its own thread).
sed '0,/^goroutine [0-9]* \[/s//goroutine 1 [/' half.txt >one.txt
{ cat one.txt; echo; cat one.txt; } >glued.txt
refused_alike "two glued debug=2 dumps" glued.txt 'goroutine 1 appears a second time'

# The same where neither half has a goroutine 1 (an edited file): each half has the goroutine
# that wrote it (runtime/pprof.writeGoroutineStacks), and a dump has one.
grep -q '^goroutine 1 \[' half.txt && { echo "FAIL: half.txt has a goroutine 1"; fail=1; }
{ cat half.txt; echo; cat half.txt; } >glued2.txt
refused_alike "two glued debug=2 dumps without goroutine 1" glued2.txt \
  'writeGoroutineStacks) as an earlier goroutine does'

# A cut dump over 16 MiB read with --allow-truncated: the warning in the report names the cut
# goroutine the same way whichever thread read the last range.
head -c -20 cand.txt >cut.txt
run cut-t1 show --format json --allow-truncated --threads 1 cut.txt
run cut-t2 show --format json --allow-truncated --threads 2 cut.txt
compare "cut dump, --allow-truncated: show --format json, --threads 1 vs 2" cut-t1 cut-t2
grep -q 'TRUNCATED INPUT' cut-t1.out || { echo "FAIL: no truncation warning in the report"; fail=1; }

# The debug=2 pair has a leak: the verdict must say so (a report that is the same every time
# because it is empty would prove nothing).
if [[ $(cat base-json-t1.rc) != 1 ]] || ! grep -q 'Pricer' base-json-t1.out; then
  echo "FAIL: the debug=2 pair should fail with the quote.(*Pricer).fetch leak (exit $(cat base-json-t1.rc))"
  fail=1
fi
exit $fail
