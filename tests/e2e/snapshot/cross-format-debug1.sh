# Issue 6: a snapshot of base.debug2 against cand.debug1 reaches the verdict and groups that
# base.debug2 against cand.debug1 reaches (only the base line of the header differs).
cp "$C/unbuffered-chan/base.debug2.txt" "$C/unbuffered-chan/cand.debug1.txt" .
"$TD" snapshot base.debug2.txt -o base.json || exit 9
"$TD" diff base.json cand.debug1.txt; status=$?
"$TD" diff base.debug2.txt cand.debug1.txt | sed 1,2d > direct.txt
"$TD" diff base.json cand.debug1.txt | sed 1,2d > stored.txt
cmp -s direct.txt stored.txt || { echo "the snapshot's report differs from the dump's:" >&2; diff direct.txt stored.txt >&2; }
exit $status
