# Every option --help lists is in the man page and in both completions, and the other way round.
status=0
for command in diff show snapshot formats; do
  options=$("$TD" "$command" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
  for option in $options; do
    [ "$option" = --help ] && continue
    man_form=${option//-/\\-}
    grep -qF -- "$man_form" "$SRC/man/taskdiff.1" || { echo "$command $option: not in man/taskdiff.1"; status=1; }
    grep -qF -- "$option" "$SRC/completions/taskdiff.bash" || { echo "$command $option: not in completions/taskdiff.bash"; status=1; }
    grep -qF -- "$option" "$SRC/completions/_taskdiff" || { echo "$command $option: not in completions/_taskdiff"; status=1; }
  done
done
# Options named in the docs exist in some command's --help.
all=$(for c in diff show snapshot formats; do "$TD" "$c" --help; done | grep -oE -- '--[a-z][a-z-]+' | sort -u)
for option in $(grep -oE -- '--[a-z][a-z-]+' "$SRC/completions/taskdiff.bash" | sort -u); do
  grep -qxF -- "$option" <<<"$all" || { [ "$option" = --version ] || { echo "completion offers $option, which no command has"; status=1; }; }
done
exit $status
