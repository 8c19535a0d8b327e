#!/usr/bin/env bash
# completions/_taskdiff in a real zsh: it loads without a message both from $fpath (as packages
# install it) and with `source` after compinit; it completes commands, option values after a
# space and after `=` (`--color=al`), values only for the commands that take them; each command
# offers exactly the long options its --help lists, and --input-format the names `taskdiff
# formats` gives. Needs zsh with its zpty module (Debian: zsh); without it, skipped (77).
#
#   tests/zsh-completion.sh path/to/taskdiff
set -u -o pipefail
TD=$(realpath "${1:?usage: zsh-completion.sh path/to/taskdiff}")
SRC=$(realpath "$(dirname "$0")/..")
if ! command -v zsh >/dev/null || ! zsh -f -c 'zmodload zsh/zpty' 2>/dev/null; then
  echo "SKIP: no zsh with the zpty module (Debian: apt-get install zsh)"
  exit 77
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/taskdiff-zsh.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cd "$scratch" && touch base.txt cand.txt || exit 2
status=0
fail() {
  echo "FAIL: $*"
  status=1
}

# Loading: no message, and the function registered for taskdiff.
for how in fpath source; do
  if [ $how = fpath ]; then
    load='fpath=("$1" $fpath); autoload -U compinit; compinit -u -D'
  else
    load='autoload -U compinit; compinit -u -D; source "$1/_taskdiff"'
  fi
  got=$(zsh -f -c "$load"'; print -r -- "$_comps[taskdiff]"' zsh "$SRC/completions" 2>&1)
  [ "$got" = _taskdiff ] || fail "$how: loading printed or registered something else: $got"
done

# What each line completes to, both ways loaded.
lines=('taskdiff ' 'taskdiff --' 'taskdiff help ' 'taskdiff diff --col'
  'taskdiff diff --color ' 'taskdiff diff --color=' 'taskdiff diff --color=al'
  'taskdiff show --format=j' 'taskdiff diff --min-new 3 --format j' 'taskdiff diff --key='
  'taskdiff snapshot --input-format=tasks' 'taskdiff snapshot --format=' 'taskdiff formats --format '
  'taskdiff diff --color=always ' 'taskdiff diff base.txt --q')
expected='## taskdiff 
diff
show
snapshot
formats
help
## taskdiff --
--help
--version
## taskdiff help 
diff
show
snapshot
formats
help
## taskdiff diff --col
--color
## taskdiff diff --color 
auto
always
never
## taskdiff diff --color=
auto
always
never
## taskdiff diff --color=al
always
## taskdiff show --format=j
json
## taskdiff diff --min-new 3 --format j
json
## taskdiff diff --key=
default
strict
default,labels
strict,labels
## taskdiff snapshot --input-format=tasks
tasks-json
## taskdiff snapshot --format=
## taskdiff formats --format 
text
json
## taskdiff diff --color=always 
base.txt
cand.txt
## taskdiff diff base.txt --q
--quiet'
for how in fpath source; do
  got=$(timeout 60 zsh -f "$SRC/tests/zsh-complete.zsh" $how "$SRC/completions" "${lines[@]}")
  if [ "$got" != "$expected" ]; then
    fail "$how: completions differ (expected, got):"
    diff <(echo "$expected") <(echo "$got")
  fi
done

# Each command's long options, as --help lists them; --input-format's values, as formats names them.
for command in diff show snapshot formats; do
  # `taskdiff diff ` offers operands first; `--` asks for options.
  offered=$(timeout 60 zsh -f "$SRC/tests/zsh-complete.zsh" fpath "$SRC/completions" \
    "taskdiff $command --" | grep -- '^--' | sort)
  listed=$("$TD" "$command" --help | sed -nE 's/^ +(-[a-zA-Z],)?(--[a-z][a-z-]+).*/\2/p' | sort -u)
  [ "$offered" = "$listed" ] ||
    fail "$command: zsh offers" $offered "but --help lists" $listed
done
offered=$(timeout 60 zsh -f "$SRC/tests/zsh-complete.zsh" fpath "$SRC/completions" \
  'taskdiff show --input-format ' | tail -n +2 | sort)
known=$("$TD" formats | grep -oE '^[a-z][a-z0-9-]*' | sort)
[ "$offered" = "$known" ] || fail "--input-format: zsh offers" $offered "but formats lists" $known
[ $status = 0 ] && echo "zsh completion: ok"
exit $status
