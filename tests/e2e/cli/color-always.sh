cd "$TESTDATA/corpus/unbuffered-chan"
"$TD" diff --color=always base.debug2.txt cand.debug2.txt | grep -c $'\e\[1;31mFAIL'
