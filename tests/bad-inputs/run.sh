#!/usr/bin/env bash
# The bad-input catalogue: every tests/bad-inputs/*.case runs taskdiff on an input made at test
# time from testdata/ (cut, patched, concatenated, or generated: nothing big is committed) and
# checks the exit status and stderr. See README.md beside this script for the case format.
#
#   tests/bad-inputs/run.sh path/to/taskdiff [CASE...]     # CASE: a name without .case
#
# KEEP=1 keeps the scratch directory; VERBOSE=1 prints every case's stderr.
set -u -o pipefail

TD=${1:?usage: run.sh path/to/taskdiff [CASE...]}
TD=$(cd "$(dirname "$TD")" && pwd)/$(basename "$TD")
shift
here=$(cd "$(dirname "$0")" && pwd)
export T=$(cd "$here/../../testdata" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/taskdiff-bad-inputs.XXXXXX")
if [[ -z ${KEEP:-} ]]; then
  trap 'chmod -R u+rwx "$scratch" 2>/dev/null; rm -rf "$scratch"' EXIT
else
  echo "scratch: $scratch"
fi

# Sanitizer builds are slower and use more memory: scale the limits. (The symbol lists are read
# whole, not with `grep -q`: under pipefail, grep leaving early makes nm die of SIGPIPE and the
# test false at random, which left a sanitizer build with the plain limits.)
scale=1
asan_symbols=$(nm "$TD" 2>/dev/null; ldd "$TD" 2>/dev/null)
if [[ $asan_symbols == *__asan_init* || $asan_symbols == *libasan* ]]; then
  scale=4
fi
unset asan_symbols
time_tool=""
[[ -x /usr/bin/time ]] && time_tool=/usr/bin/time

cases=()
if [[ $# -gt 0 ]]; then
  for name in "$@"; do cases+=("$here/$name.case"); done
else
  cases=("$here"/*.case)
fi

failures=0
skipped=0
passed=0
xfailed=0
for case_file in "${cases[@]}"; do
  name=$(basename "$case_file" .case)
  about=$(sed -n 's/^# \{0,1\}//p' "$case_file" | head -1)
  setups=()
  checks=()
  stderr_res=()
  stdout_res=()
  run=""
  want_exit=""
  location=line
  timeout_s=30
  max_rss_mb=""
  requires=""
  stderr_lines=""
  known_bug=""
  while IFS= read -r line || [[ -n $line ]]; do
    case $line in
    '#'* | '') ;;
    setup:*) setups+=("${line#setup: }") ;;
    run:*) run=${line#run: } ;;
    exit:*) want_exit=${line#exit: } ;;
    stderr:*) stderr_res+=("${line#stderr: }") ;;
    stderr-lines:*) stderr_lines=${line#stderr-lines: } ;;
    stdout:*) stdout_res+=("${line#stdout: }") ;;
    check:*) checks+=("${line#check: }") ;;
    location:*) location=${line#location: } ;;
    timeout:*) timeout_s=${line#timeout: } ;;
    max-rss-mb:*) max_rss_mb=${line#max-rss-mb: } ;;
    requires:*) requires=${line#requires: } ;;
    known-bug:*) known_bug=${line#known-bug: } ;;
    *) echo "$name: unknown line in the case file: $line" >&2; failures=$((failures + 1)); continue 2 ;;
    esac
  done <"$case_file"
  if [[ -z $run || -z $want_exit ]]; then
    echo "FAIL $name: the case has no run: or exit: line"
    failures=$((failures + 1))
    continue
  fi
  case $requires in
  root) [[ $(id -u) -eq 0 ]] || { echo "SKIP $name (needs root)"; skipped=$((skipped + 1)); continue; } ;;
  non-root) [[ $(id -u) -ne 0 ]] || { echo "SKIP $name (root reads and writes anything)"; skipped=$((skipped + 1)); continue; } ;;
  python3) command -v python3 >/dev/null || { echo "SKIP $name (no python3)"; skipped=$((skipped + 1)); continue; } ;;
  '') ;;
  *) echo "FAIL $name: unknown requirement $requires"; failures=$((failures + 1)); continue ;;
  esac

  dir=$scratch/$name
  mkdir -p "$dir"
  ok=1
  why=()
  for setup in "${setups[@]}"; do
    if ! (cd "$dir" && bash -e -o pipefail -c "$setup") >"$dir/.setup.out" 2>&1; then
      why+=("setup failed: $setup: $(head -c 300 "$dir/.setup.out")")
      ok=0
      break
    fi
  done
  got_exit=""
  if [[ $ok == 1 ]]; then
    # `taskdiff` in the run line is the binary under test, under a timeout (a hang fails).
    script="taskdiff() { timeout -k 5 $((timeout_s * scale)) \"$TD\" \"\$@\"; }; $run"
    if [[ -n $time_tool ]]; then
      (cd "$dir" && $time_tool -o .rss -f %M bash -c "$script") >"$dir/.stdout" 2>"$dir/.stderr"
    else
      (cd "$dir" && bash -c "$script") >"$dir/.stdout" 2>"$dir/.stderr"
    fi
    got_exit=$?
    if [[ $got_exit == 124 || $got_exit == 137 ]]; then
      why+=("timed out after $((timeout_s * scale)) s (a hang)")
      ok=0
    elif [[ $got_exit -ge 128 ]]; then
      why+=("killed by signal $((got_exit - 128)) (a crash)")
      ok=0
    elif [[ $got_exit != "$want_exit" ]]; then
      why+=("exit $got_exit, expected $want_exit")
      ok=0
    fi
    for re in "${stderr_res[@]}"; do
      grep -Eq -- "$re" "$dir/.stderr" || { why+=("stderr does not match: $re"); ok=0; }
    done
    for re in "${stdout_res[@]}"; do
      grep -Eq -- "$re" "$dir/.stdout" || { why+=("stdout does not match: $re"); ok=0; }
    done
    if [[ -n $stderr_lines ]] && [[ $(wc -l <"$dir/.stderr") -ne $stderr_lines ]]; then
      why+=("stderr has $(wc -l <"$dir/.stderr") lines, expected $stderr_lines")
      ok=0
    fi
    # Every input error says where: `taskdiff: FILE:LINE: message` (location: line), or
    # `taskdiff: FILE: message` for what has no line (binary input, JSON paths, limits).
    if [[ $want_exit == 2 ]]; then
      first=$(head -1 "$dir/.stderr")
      case $location in
      line) [[ $first =~ ^taskdiff:\ [^\ ]+:[0-9]+:\  ]] || { why+=("first stderr line is not 'taskdiff: FILE:LINE: message'"); ok=0; } ;;
      file) [[ $first =~ ^taskdiff:\ [^\ ]+:\  ]] || { why+=("first stderr line is not 'taskdiff: FILE: message'"); ok=0; } ;;
      none) ;;
      *) why+=("unknown location: $location"); ok=0 ;;
      esac
    fi
    if [[ -n $max_rss_mb && -z $time_tool ]]; then
      why+=("max-rss-mb not checked: /usr/bin/time is missing (Debian package \`time\`)")
      ok=0
    elif [[ -n $max_rss_mb && -s $dir/.rss ]]; then
      rss_kb=$(tail -1 "$dir/.rss")
      if [[ $rss_kb =~ ^[0-9]+$ ]] && ((rss_kb > max_rss_mb * 1024 * scale)); then
        why+=("max RSS $((rss_kb / 1024)) MB, limit $((max_rss_mb * scale)) MB")
        ok=0
      fi
    fi
    for check in "${checks[@]}"; do
      if ! (cd "$dir" && bash -e -o pipefail -c "$check") >"$dir/.check.out" 2>&1; then
        why+=("check failed: $check $(head -c 300 "$dir/.check.out")")
        ok=0
      fi
    done
  fi
  if [[ -n $known_bug ]]; then
    # An open bug, reported and owned elsewhere: the case states the right behaviour and is
    # expected to fail until the fix lands; then it must lose its known-bug line.
    if [[ $ok == 1 ]]; then
      failures=$((failures + 1))
      echo "FAIL $name: passes now: remove its 'known-bug:' line ($known_bug)"
    else
      xfailed=$((xfailed + 1))
      echo "XFAIL $name: known bug: $known_bug (${why[0]})"
    fi
  elif [[ $ok == 1 ]]; then
    passed=$((passed + 1))
    echo "ok   $name"
    [[ -n ${VERBOSE:-} ]] && sed 's/^/       /' "$dir/.stderr" | cut -c1-300
  else
    failures=$((failures + 1))
    echo "FAIL $name: $about"
    for w in "${why[@]}"; do echo "       $w"; done
    echo "       run: $run"
    echo "       stderr:"
    head -5 "$dir/.stderr" 2>/dev/null | cut -c1-300 | sed 's/^/         /'
  fi
  # Big generated inputs go as soon as their case is done.
  find "$dir" -type f -size +1M -delete 2>/dev/null
done
echo "bad-inputs: $passed passed, $failures failed, $skipped skipped, $xfailed known bugs"
[[ $failures -eq 0 ]]
