cd "$TESTDATA/corpus/unbuffered-chan"
"$TD" diff base.debug2.txt cand.debug2.txt
