cp "$C/healthy/base.debug2.txt" .
"$TD" snapshot base.debug2.txt | sed 's#taskdiff.snapshot/1#taskdiff.snapshot/2#' > base.json
"$TD" diff base.json base.debug2.txt
