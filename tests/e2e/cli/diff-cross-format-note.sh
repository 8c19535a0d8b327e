cd "$TESTDATA/corpus/unbuffered-chan"
"$TD" diff base.debug1.txt cand.debug2.txt
