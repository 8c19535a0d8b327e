# Every option --help lists is in the man page and in the three completions, and the other way
# round.
status=0
for command in diff show snapshot formats; do
  options=$("$TD" "$command" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
  for option in $options; do
    [ "$option" = --help ] && continue
    man_form=${option//-/\\-}
    grep -qF -- "$man_form" "$SRC/man/taskdiff.1" || { echo "$command $option: not in man/taskdiff.1"; status=1; }
    grep -qF -- "$option" "$SRC/completions/taskdiff.bash" || { echo "$command $option: not in completions/taskdiff.bash"; status=1; }
    grep -qF -- "$option" "$SRC/completions/_taskdiff" || { echo "$command $option: not in completions/_taskdiff"; status=1; }
    grep -qF -- "-l ${option#--} " "$SRC/completions/taskdiff.fish" || { echo "$command $option: not in completions/taskdiff.fish"; status=1; }
  done
done
# Options named in the docs exist in some command's --help.
all=$(for c in diff show snapshot formats; do "$TD" "$c" --help; done | grep -oE -- '--[a-z][a-z-]+' | sort -u)
for option in $(grep -oE -- '--[a-z][a-z-]+' "$SRC/completions/taskdiff.bash" | sort -u) \
  $(grep '^complete' "$SRC/completions/taskdiff.fish" | grep -oE -- ' -l [a-z][a-z-]+' |
    sed 's/ -l /--/' | sort -u); do
  grep -qxF -- "$option" <<<"$all" || { [ "$option" = --version ] || { echo "completion offers $option, which no command has"; status=1; }; }
done
# Each command's bash completion offers exactly the long options its --help lists.
_init_completion() {
  cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} words=("${COMP_WORDS[@]}")
  cword=$COMP_CWORD
}
_filedir() { :; }
complete() { :; }
# shellcheck source=/dev/null
source "$SRC/completions/taskdiff.bash"
for command in diff show snapshot formats; do
  COMP_WORDS=(taskdiff "$command" --)
  COMP_CWORD=2
  COMPREPLY=()
  _taskdiff
  offered=$(printf '%s\n' "${COMPREPLY[@]}" | grep -- '^--' | sort -u)
  listed=$("$TD" "$command" --help | sed -nE 's/^ +(-[a-zA-Z],)?(--[a-z][a-z-]+).*/\2/p' | sort -u)
  if [ "$offered" != "$listed" ]; then
    echo "$command: bash completion offers" $offered "but --help lists" $listed
    status=1
  fi
done
exit $status
