cd "$TESTDATA/corpus/healthy"
"$TD" diff base.debug2.txt no-such-file.txt
