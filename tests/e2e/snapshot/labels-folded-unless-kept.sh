# A profile with pprof labels (testdata/pprof/go1.19-goroutine.pb.gz: handler/tenant). By default
# a snapshot folds label sets as `show` does and records no labels, so a label per request cannot
# push it past --max-groups (a real 1M-goroutine profile did); `--keep-labels` keeps every set,
# and `diff --key default,labels` then keys on them.
cp "$TESTDATA/pprof/go1.19-goroutine.pb.gz" dump.pb.gz
"$TD" snapshot dump.pb.gz -o folded.json || exit 9
"$TD" snapshot --keep-labels dump.pb.gz -o kept.json || exit 9
python3 -c 'import json, sys
for name in sys.argv[1:]:
    d = json.load(open(name))
    print(name, "labels fact:", d["source"]["facts"]["labels"], "stacks:", len(d["stacks"]),
          "labelled:", sum(1 for s in d["stacks"] if s.get("labels")))' folded.json kept.json
"$TD" diff --key default,labels folded.json dump.pb.gz | grep '^note: labels'
"$TD" diff --key default,labels kept.json dump.pb.gz | grep -c '^note: labels'
exit 0
