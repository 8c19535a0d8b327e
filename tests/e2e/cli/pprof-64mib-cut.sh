python3 - <<PY
import itertools
src = open("$TESTDATA/corpus/unbuffered-chan/cand.debug2.txt", "rb").read()
blocks = src.split(b"\n\n")
out = bytearray(blocks[0] + b"\n\n")  # the writer, [running], first
for i in itertools.count():
    out += blocks[1 + i % (len(blocks) - 1)].replace(b"goroutine ", b"goroutine 9", 1) + b"\n\n"
    if len(out) > 64 << 20:
        break
open("big.txt", "wb").write(bytes(out[:64 << 20]))
PY
"$TD" show big.txt 2>&1 >/dev/null | grep -o "exactly 64 MiB.*instead"; exit ${PIPESTATUS[0]}
