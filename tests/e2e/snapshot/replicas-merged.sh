# Two replicas merged into one snapshot: counts per replica, so the snapshot against one of the
# dumps finds nothing, and against the leaking candidate finds the leak at its real size.
cp "$C/unbuffered-chan/base.debug2.txt" replica-a.txt
cp "$C/unbuffered-chan/base.debug2.txt" replica-b.txt
cp "$C/unbuffered-chan/cand.debug2.txt" cand.txt
"$TD" snapshot replica-a.txt replica-b.txt -o base.json || exit 9
grep -o '"replicas":[0-9]*,"total":[0-9]*' base.json
"$TD" diff base.json replica-a.txt; echo "exit $?"
"$TD" diff base.json cand.txt
