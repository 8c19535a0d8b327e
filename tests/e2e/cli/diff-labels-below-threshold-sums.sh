# --key default,labels: main.audit's label sets differ between the sides (tenant acme, then
# globex), so its groups are counted together; below the thresholds, the "Other changes" row says
# it sums them, as a finding's `sums` line does.
cp "$TESTDATA/go/go1.23-debug1-labels.txt" base.txt
sed 's/"tenant":"acme"/"tenant":"globex"/; s/^2 @ 0x471a0e 0x408199/3 @ 0x471a0e 0x408199/; s/total 31/total 32/' \
  base.txt > cand.txt
"$TD" diff --key default,labels base.txt cand.txt
