# Two debug=1 profiles: neither records wait states nor creators, and the report says both are
# left out of the key (the creator's note was missing: JSON key.created_by false, unexplained).
cd "$TESTDATA/corpus/unbuffered-chan"
"$TD" diff base.debug1.txt cand.debug1.txt | grep '^note:'
"$TD" diff --format json base.debug1.txt cand.debug1.txt | python3 -c '
import json, sys
report = json.load(sys.stdin)
print("key.created_by:", report["key"]["created_by"])
for note in report["notes"]:
    print("note:", note)'
