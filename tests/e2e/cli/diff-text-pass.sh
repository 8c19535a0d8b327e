cd "$TESTDATA/corpus/noise"
"$TD" diff base.debug2.txt cand.debug2.txt
