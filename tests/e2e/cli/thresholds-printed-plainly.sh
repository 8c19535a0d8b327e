# The thresholds line prints --min-ratio as a plain percentage, never in exponent notation (it
# printed `>= 1e+08%` and `>= 1e-298%`); a tiny ratio, any growth in effect, is `> 0%`.
# `--min-ratio 50%` is 0.5.
cd "$TESTDATA/corpus/growth"
for ratio in 1000000 0.125 0.0000123 1e-300 0 50% 12.5% 0.5%; do
  printf '%-10s ' "$ratio"
  "$TD" diff --min-ratio "$ratio" base.debug2.txt cand.debug2.txt | grep '^thresholds:'
done
"$TD" diff --format json --min-ratio 50% base.debug2.txt cand.debug2.txt | grep '"min_ratio"'
