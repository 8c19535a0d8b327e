#!/usr/bin/env zsh -f
# Completes each LINE in an interactive zsh (on a pseudo-terminal, as completion needs the line
# editor) and prints `## LINE` followed by the matches offered, one a line, in zsh's order.
# MODE `fpath`: completions/_taskdiff found through $fpath by compinit, as packages install it;
# `source`: read with `source` after compinit, as a user may do from .zshrc.
#
#   zsh -f tests/zsh-complete.zsh fpath|source COMPLETIONS_DIR LINE...
zmodload zsh/zpty || exit 77
mode=$1 dir=$2
shift 2
out=$(mktemp "${TMPDIR:-/tmp}/taskdiff-zsh-complete.XXXXXX")
trap 'rm -f $out; zpty -d z 2>/dev/null' EXIT
zpty z zsh -f -i
if [[ $mode == fpath ]]; then
  zpty -w z "fpath=(${(q)dir} \$fpath); autoload -U compinit; compinit -u -D"
else
  zpty -w z "autoload -U compinit; compinit -u -D; source ${(q)dir}/_taskdiff"
fi
zpty -w z "zstyle ':completion:*' menu no; zstyle ':completion:*' list-prompt ''"
# compadd records what it adds (the matches after filtering by the word typed), then adds it.
zpty -w z 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a __hits
  builtin compadd -A __hits "$@"
  (( $#__hits )) && print -rl -- $__hits >> '${(q)out}'
  builtin compadd "$@"
}'
# Tab completes, then says so on the terminal: the next keys are sent only then (typed ahead
# of a completion, they were lost at times).
zpty -w z '_td_complete() { zle complete-word; print -rn -- "<<COMPLETED>>" > /dev/tty }'
zpty -w z "zle -N _td_complete; bindkey '^I' _td_complete"
# Typed ahead of the first prompt, a line would be lost: wait for the shell.
zpty -w z 'print -r -- READY$((0*1))'
zpty -r z reply '*READY0*' || { print -u2 "zsh did not start"; exit 2; }
n=0
for line in "$@"; do
  n=$((n + 1))
  print -r -- "## $line" >> $out
  zpty -w -n z "$line"$'\t'
  zpty -r z reply '*<<COMPLETED>>*' || { print -u2 "no completion after: $line"; exit 2; }
  # Clear the line, then a marker the shell prints when back at its prompt.
  zpty -w z $'\C-u'"print -r -- DONE\$(($n*1))"
  zpty -r z reply "*DONE$n*" || { print -u2 "no answer after: $line"; exit 2; }
done
cat $out
