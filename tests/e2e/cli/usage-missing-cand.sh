"$TD" diff only-one.txt
