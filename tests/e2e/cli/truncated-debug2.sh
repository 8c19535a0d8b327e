head -c 5000 "$TESTDATA/corpus/unbuffered-chan/cand.debug2.txt" > cut.txt
"$TD" show cut.txt
