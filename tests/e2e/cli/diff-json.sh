cd "$TESTDATA/corpus/unbuffered-chan"
"$TD" diff --format json base.debug2.txt cand.debug2.txt
