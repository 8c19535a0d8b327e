printf "hello world\nthis is not a dump\n" > notes.txt
"$TD" show notes.txt
