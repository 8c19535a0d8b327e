# The written form, to stdout: one line per string and per stack.
cp "$C/unbuffered-chan/base.debug2.txt" .
"$TD" snapshot base.debug2.txt
