# --strict: no finding beyond the required ones, on every Go pair.
python3 "$SRC/tests/e2e/check-corpus.py" --td "$TD" --cases "$TESTDATA/corpus" --formats go-text,pb --strict
