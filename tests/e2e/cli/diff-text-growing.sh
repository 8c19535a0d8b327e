cd "$TESTDATA/corpus/growth"
"$TD" diff base.debug2.txt cand.debug2.txt
