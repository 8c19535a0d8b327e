cd "$TESTDATA/corpus/go123-unbuffered-chan"
# A SIGQUIT dump and a debug=2 dump of the same process state: no finding.
"$TD" diff cand.debug2.txt cand.sigquit.txt --format json | python3 -c "import json,sys; r=json.load(sys.stdin); print(r[\"verdict\"], len(r[\"findings\"]))"
