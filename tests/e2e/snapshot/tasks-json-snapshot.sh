# A task list stored as a snapshot compares like the list itself.
cp "$TESTDATA/json/tasks.json" .
"$TD" snapshot tasks.json -o base.json || exit 9
"$TD" diff base.json tasks.json; echo "exit $?"
