# --color=auto on a terminal whose TERM is `dumb` (Emacs shell, some CI consoles) prints no colour:
# 0 lines with an escape sequence, and the same report as with --color=never.
cd "$TESTDATA/corpus/unbuffered-chan"
unset NO_COLOR
TERM=dumb script -qec "\"$TD\" diff base.debug2.txt cand.debug2.txt" /dev/null | grep -c $'\e\[' || true
