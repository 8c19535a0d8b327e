# JSON changes under the thresholds keep whether they were new or growing (below_threshold);
# other kinds have null there. (kind `below-threshold` alone lost it.)
cd "$TESTDATA/corpus/noise"
"$TD" diff --format json base.debug2.txt cand.debug2.txt | python3 -c '
import json, sys
for change in json.load(sys.stdin)["changes"]:
    print(change["kind"], change["below_threshold"], change["base"], change["cand"], change["title"])'
