head -c 5000 "$TESTDATA/corpus/unbuffered-chan/cand.debug2.txt" > cut.txt
"$TD" show --allow-truncated --format json cut.txt | python3 -c "import json,sys; r=json.load(sys.stdin); print(r[\"input\"][\"total\"], r[\"input\"][\"warnings\"])"
