# The same dumps give the same bytes; a snapshot of the snapshot keeps them (and the origins).
cp "$C/growth/cand.debug2.txt" "$C/growth/cand.debug1.txt" .
"$TD" snapshot cand.debug2.txt cand.debug1.txt -o one.json || exit 9
"$TD" snapshot cand.debug2.txt cand.debug1.txt -o two.json || exit 9
cmp one.json two.json && echo "same bytes"
"$TD" snapshot one.json -o again.json || exit 9
cmp one.json again.json && echo "a snapshot of it: same bytes"
