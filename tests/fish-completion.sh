#!/usr/bin/env bash
# completions/taskdiff.fish in a real fish: it completes commands, option values after a space
# and after `=` (`--color=al`), values only for the commands that take them, files where a dump
# goes and nothing after `help COMMAND`; each command offers exactly the long options its --help
# lists, and --input-format the names `taskdiff formats` gives. Needs fish (Debian: fish);
# without it, skipped (77).
#
#   tests/fish-completion.sh path/to/taskdiff
set -u -o pipefail
TD=$(realpath "${1:?usage: fish-completion.sh path/to/taskdiff}")
SRC=$(realpath "$(dirname "$0")/..")
if ! command -v fish >/dev/null; then
  echo "SKIP: no fish (Debian: apt-get install fish)"
  exit 77
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/taskdiff-fish.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/home" "$scratch/dumps" && cd "$scratch/dumps" && touch base.txt cand.txt || exit 2
status=0
fail() {
  echo "FAIL: $*"
  status=1
}

# What LINE completes to: the candidates, without their descriptions, sorted.
complete_line() {
  HOME=$scratch/home XDG_CONFIG_HOME=$scratch/home XDG_DATA_HOME=$scratch/home timeout 60 fish --no-config -c \
    'source $argv[1]; complete -C $argv[2]' "$SRC/completions/taskdiff.fish" "$1" |
    cut -f1 | LC_ALL=C sort
}

lines=('taskdiff ' 'taskdiff --' 'taskdiff help ' 'taskdiff help diff ' 'taskdiff diff --col'
  'taskdiff diff --color ' 'taskdiff diff --color=' 'taskdiff diff --color=al'
  'taskdiff show --format=j' 'taskdiff diff --min-new 3 --format j' 'taskdiff diff --key='
  'taskdiff snapshot --input-format=tasks' 'taskdiff snapshot --format=' 'taskdiff formats --format '
  'taskdiff diff --color=always ' 'taskdiff diff base.txt --q' 'taskdiff show -o ')
expected='## taskdiff 
diff
formats
help
show
snapshot
## taskdiff --
--help
--version
## taskdiff help 
diff
formats
help
show
snapshot
## taskdiff help diff 
## taskdiff diff --col
--color
## taskdiff diff --color 
always
auto
never
## taskdiff diff --color=
--color=always
--color=auto
--color=never
## taskdiff diff --color=al
--color=always
## taskdiff show --format=j
--format=json
## taskdiff diff --min-new 3 --format j
json
## taskdiff diff --key=
--key=default
--key=default,labels
--key=strict
--key=strict,labels
## taskdiff snapshot --input-format=tasks
--input-format=tasks-json
## taskdiff snapshot --format=
## taskdiff formats --format 
json
text
## taskdiff diff --color=always 
base.txt
cand.txt
## taskdiff diff base.txt --q
--quiet
## taskdiff show -o 
base.txt
cand.txt'
got=$(for line in "${lines[@]}"; do
  echo "## $line"
  complete_line "$line"
done)
if [ "$got" != "$expected" ]; then
  fail "completions differ (expected, got):"
  diff <(echo "$expected") <(echo "$got")
fi

# Each command's long options, as --help lists them; --input-format's values, as formats names them.
for command in diff show snapshot formats; do
  offered=$(complete_line "taskdiff $command --" | grep -- '^--')
  listed=$("$TD" "$command" --help | sed -nE 's/^ +(-[a-zA-Z],)?(--[a-z][a-z-]+).*/\2/p' |
    LC_ALL=C sort -u)
  [ "$offered" = "$listed" ] ||
    fail "$command: fish offers" $offered "but --help lists" $listed
done
offered=$(complete_line 'taskdiff show --input-format ')
known=$("$TD" formats | grep -oE '^[a-z][a-z0-9-]*' | LC_ALL=C sort)
[ "$offered" = "$known" ] || fail "--input-format: fish offers" $offered "but formats lists" $known
[ $status = 0 ] && echo "fish completion: ok"
exit $status
