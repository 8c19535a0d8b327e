: > empty.txt
"$TD" show empty.txt
