cd "$TESTDATA/corpus/unbuffered-chan"
NO_COLOR=1 script -qec "\"$TD\" diff base.debug2.txt cand.debug2.txt" /dev/null | grep -c $'\e\[' || true
