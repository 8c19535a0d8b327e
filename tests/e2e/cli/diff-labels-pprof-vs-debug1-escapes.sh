# One moment of testdata/go/programs/oddsvc as a protobuf profile (labels as raw bytes) and as
# debug=1 text (labels as Go %q strings: `\x01`, `\xff`, `\u00a0`, `\u200b`): the same groups
# when labels are in the key.
"$TD" diff --quiet --key default,labels "$TESTDATA/pprof/go1.19-oddsvc.pb.gz" \
  "$TESTDATA/go/go1.19-oddsvc.debug1.txt"; echo "pprof->debug1 $?"
"$TD" diff --quiet --key default,labels "$TESTDATA/go/go1.19-oddsvc.debug1.txt" \
  "$TESTDATA/pprof/go1.19-oddsvc.pb.gz"; echo "debug1->pprof $?"
