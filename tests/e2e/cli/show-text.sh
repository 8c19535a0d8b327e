cd "$TESTDATA/corpus/healthy"
"$TD" show cand.debug2.txt
