# Every dump other projects wrote (testdata/peer-dumps, described in its README) parses, or
# fails with exit 2, as the README says: exit status, format and goroutine/thread total each.
cd "$TESTDATA/peer-dumps" || exit 99
for f in *; do
  [ "$f" = README.md ] && continue
  json=$("$TD" show --format json "$f" 2>/dev/null)
  rc=$?
  if [ "$rc" = 0 ]; then
    printf '%s\n' "$json" | python3 -c 'import json,sys; i=json.load(sys.stdin)["input"]; print(sys.argv[1], "exit 0", i["format"], "total", i["total"])' "$f"
  else
    echo "$f exit $rc"
  fi
done
