# -o FILE.gz gzips the snapshot; diff reads it as it is.
cp "$C/unbuffered-chan/base.debug2.txt" "$C/unbuffered-chan/cand.debug2.txt" .
"$TD" snapshot base.debug2.txt -o base.json.gz || exit 9
"$TD" snapshot base.debug2.txt -o base.json || exit 9
gzip -dc base.json.gz | cmp - base.json && echo "gunzips to the plain snapshot"
"$TD" diff base.json.gz cand.debug2.txt --quiet; echo "exit $?"
