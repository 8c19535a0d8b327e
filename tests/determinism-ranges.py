#!/usr/bin/env python3
"""A debug=2 dump that --threads 3 parses in three ranges, built so that the second and third
range each hold stacks new to the first: main.leak00 goroutines at lines 100+j in range 1 and
500+i in range 2, one group under the default key (lines are not keyed), each stack counted once.
The group shows the first stack in file order (a line near 140). Merging range 1 into range 0
finds duplicates (the fillers F0..F9 of both), so the merged table is smaller than its highest
order number; range 2's stacks were numbered from the table's size, took orders range 1's
stacks already had, and which stack the group showed changed from run to run.

Where parse_split cuts (the first record starting at or after size*i/3 + 2, detect.cpp) is known
in advance: every record has the same length.  Usage: determinism-ranges.py > dump.txt"""
import math
import sys

RECORDS = 150000


def record(goroutine, function, line):
    return (f"goroutine {goroutine:09d} [chan receive]:\nmain.{function}()\n"
            f"\t/src/app/main.go:{line:04d} +0x1d\n"
            f"created by main.main in goroutine 1\n\t/src/app/main.go:0005 +0x25\n\n")


writer = ("goroutine 1 [running]:\nruntime/pprof.writeGoroutineStacks({0x1, 0x2})\n"
          "\t/usr/lib/go/src/runtime/pprof/pprof.go:692 +0x70\nmain.main()\n"
          "\t/src/app/main.go:3 +0x1\n\n")
length = len(record(1, "fill00", 1))
total = len(writer) + RECORDS * length - 1  # the last record without its empty line


def first_record_of_range(i):
    return max(0, math.ceil((total * i // 3 + 2 - len(writer)) / length))


start1, start2 = first_record_of_range(1), first_record_of_range(2)
kinds = []
for k in range(RECORDS):
    if start2 <= k < start2 + 50:
        kinds.append(("leak00", 500 + k - start2))
    elif start1 <= k < start1 + 10:
        kinds.append((f"fill{k - start1:02d}", 1))
    elif start1 + 10 <= k < start1 + 60:
        j = k - start1 - 10
        kinds.append(("leak00" if j >= 40 else "lead00", 100 + j))
    else:
        kinds.append((f"fill{k % 10:02d}", 1))
text = writer + "".join(record(1000 + k, f, line) for k, (f, line) in enumerate(kinds))
text = text[:-1]
assert len(text) == total, (len(text), total)
sys.stdout.write(text)
