"$TD" diff --key fuzzy a b
