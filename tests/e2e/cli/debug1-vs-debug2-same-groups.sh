cd "$TESTDATA/corpus/unbuffered-chan"
# debug=1 and debug=2 of one process: the same groups, so no finding either way.
"$TD" diff cand.debug1.txt cand.debug2.txt --quiet; echo "debug1->debug2 $?"
"$TD" diff cand.debug2.txt cand.debug1.txt --quiet; echo "debug2->debug1 $?"
