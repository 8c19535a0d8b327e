# Java: a snapshot of the jstack baseline against the jcmd candidate reports what jstack against
# jcmd reports (only the base line of the header differs).
cp "$C/java-executor/base.jstack.txt" "$C/java-executor/cand.jcmd.txt" .
"$TD" snapshot base.jstack.txt -o base.json || exit 9
"$TD" diff base.json cand.jcmd.txt; status=$?
"$TD" diff base.jstack.txt cand.jcmd.txt | sed 1,2d > direct.txt
"$TD" diff base.json cand.jcmd.txt | sed 1,2d > stored.txt
cmp -s direct.txt stored.txt || { echo "the snapshot's report differs from the dump's:" >&2; diff direct.txt stored.txt >&2; }
exit $status
