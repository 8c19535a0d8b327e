# Replicas of one service share a runtime: Go with Java is refused, and nothing is written.
cp "$C/healthy/base.debug2.txt" "$C/java-executor/base.jstack.txt" .
"$TD" snapshot base.debug2.txt base.jstack.txt -o base.json; status=$?
test -e base.json && echo "base.json written anyway"
exit $status
