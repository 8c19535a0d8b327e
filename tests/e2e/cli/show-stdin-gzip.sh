cd "$TESTDATA/corpus/healthy"
gzip -c cand.debug2.txt | "$TD" show - --format json | python3 -c "import json,sys; r=json.load(sys.stdin); print(r[\"schema\"], r[\"input\"][\"path\"], r[\"input\"][\"total\"])"
