python3 "$SRC/tests/e2e/check-corpus.py" --td "$TD" --cases "$TESTDATA/corpus"
