# Random bytes after a control byte: the first binary byte is never a NUL after a line break,
# which would add "a NUL byte on this line, text before it" to the message at random.
{ printf '\001'; head -c 4095 /dev/urandom | tr -d "\037"; } > garbage.bin
"$TD" show garbage.bin
