# Bash completion offers an option's values only to the commands that take it (snapshot has no
# --format), and after `--opt=` too, as bash splits it (`--color` `=` `al`) or as
# bash-completion's _init_completion -s gives it (prev `--color`, cur `al`).
_init_completion() { # as bash-completion's: with -s, `--opt=value` is split into prev and cur
  cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} words=("${COMP_WORDS[@]}")
  cword=$COMP_CWORD
  if [[ ${1:-} == -s && $cur == --*=* ]]; then
    prev=${cur%%=*} cur=${cur#*=}
  fi
}
_filedir() { COMPREPLY=("<files>"); }
complete() { :; }
# shellcheck source=/dev/null
source "$SRC/completions/taskdiff.bash"
try() { # WORDS...: complete the last word
  COMP_WORDS=(taskdiff "$@")
  COMP_CWORD=$#
  COMPREPLY=()
  _taskdiff
  echo "$*| ${COMPREPLY[*]}"
}
try diff --format ''
try snapshot --format ''
try snapshot --color ''
try formats --format ''
try show --color ''
try diff --color=
try diff --color=al
try show --format=j
try diff --key=s
try snapshot --input-format=tasks
try snapshot --format=
# Without bash-completion: bash's own words, `=` one of them.
unset -f _init_completion
try diff --color =
try diff --color = ''
try diff --color = al
try show --format = j
try snapshot --format = ''
try diff --min-new 3 --format j
