head -c 4096 /dev/urandom | tr -d "\037" > garbage.bin
"$TD" show garbage.bin
