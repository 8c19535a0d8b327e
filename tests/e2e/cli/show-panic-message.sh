cd "$TESTDATA/corpus/tracebacks"
"$TD" show panic.single.txt
