# Snapshot of a protobuf profile against a debug=2 candidate: the same verdict as pb.gz vs debug=2.
cp "$C/unbuffered-chan/base.pb.gz" "$C/unbuffered-chan/cand.debug2.txt" .
"$TD" snapshot base.pb.gz -o base.json || exit 9
"$TD" diff base.pb.gz cand.debug2.txt --quiet; echo "pb.gz -> debug2: $?"
"$TD" diff base.json cand.debug2.txt --quiet; echo "snapshot -> debug2: $?"
"$TD" diff base.pb.gz cand.debug2.txt --format json | grep -v '"path"' > direct.json
"$TD" diff base.json cand.debug2.txt --format json | grep -v '"path"' | sed 's/"format": "snapshot"/"format": "pprof"/' > stored.json
cmp -s direct.json stored.json && echo "same JSON report" || diff direct.json stored.json
