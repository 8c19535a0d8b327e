cd "$TESTDATA/corpus/unbuffered-chan"
unset NO_COLOR; script -qec "\"$TD\" diff base.debug2.txt cand.debug2.txt" /dev/null | grep -c $'\e\[1;31mNEW'
