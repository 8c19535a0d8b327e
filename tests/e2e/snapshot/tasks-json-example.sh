# The example of docs/tasks-json.md, as the page shows it.
cp "$TESTDATA/json/tasks.json" .
"$TD" show tasks.json
