cp "$C/healthy/base.debug2.txt" .
"$TD" snapshot base.debug2.txt | sed 's#"total":17#"total":18#' > base.json
"$TD" diff base.json base.debug2.txt
