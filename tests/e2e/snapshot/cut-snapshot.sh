cp "$C/healthy/base.debug2.txt" .
"$TD" snapshot base.debug2.txt | head -c 1000 > base.json
"$TD" show base.json
