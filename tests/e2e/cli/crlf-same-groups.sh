cd "$TESTDATA/corpus/unbuffered-chan"
sed "s/\$/\r/" cand.debug2.txt > /tmp/crlf.$$
"$TD" diff cand.debug2.txt /tmp/crlf.$$ --quiet; echo "exit $?"; rm -f /tmp/crlf.$$
