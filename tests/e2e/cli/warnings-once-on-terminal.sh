# A warning is printed once when the report and standard error share the terminal (in the
# report, as a note), and on standard error when the report goes elsewhere.
cd "$TESTDATA/go"
script -qec "\"$TD\" show go1.19-fatal-two-throws.txt" /dev/null | grep -c 'listed a second time'
"$TD" show go1.19-fatal-two-throws.txt 2>&1 >/dev/null | grep -c 'listed a second time'
