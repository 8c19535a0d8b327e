# Issue 6: every corpus pair, with its base stored as a snapshot (and as a snapshot of two
# replicas of it), reaches the verdict of the dumps themselves; the single-dump snapshot gives
# the same report, line for line after the header's input lines.
pairs=0
for case_dir in "$C"/*/; do
  for base in "$case_dir"base.*; do
    name=$(basename "$case_dir")/$(basename "$base")
    "$TD" snapshot "$base" -o one.json 2>/dev/null || { echo "$name: snapshot failed"; continue; }
    cp "$base" "replica-b.${base##*.}" # a replica is a file of its own
    "$TD" snapshot "$base" "replica-b.${base##*.}" -o two.json ||
      { echo "$name: merged snapshot failed"; continue; }
    for cand in "$case_dir"cand.*; do
      "$TD" diff "$base" "$cand" > direct.txt 2>&1; want=$?
      [ "$want" = 2 ] && { echo "$name -> $(basename "$cand"): the dumps do not compare (exit 2)"; continue; }
      pairs=$((pairs + 1))
      "$TD" diff one.json "$cand" > stored.txt 2>&1; got=$?
      "$TD" diff two.json "$cand" --quiet; merged=$?
      pair="$name -> $(basename "$cand")"
      [ "$got" = "$want" ] || echo "$pair: snapshot exit $got, dumps exit $want"
      [ "$merged" = "$want" ] || echo "$pair: two-replica snapshot exit $merged, dumps exit $want"
      cmp -s <(sed 1,3d direct.txt) <(sed 1,3d stored.txt) || echo "$pair: reports differ"
    done
  done
done
echo "$pairs pairs checked"
