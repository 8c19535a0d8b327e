#!/usr/bin/env python3
"""Make a large Go goroutine profile (profile.proto, gzipped) from a small real one.

Benchmark input generator for bench/run.sh; only the Python standard library is used.

A goroutine profile holds one Sample per distinct (stack, label set) whose value is the number of
goroutines, so a real 1M-goroutine profile of a service with few distinct stacks is as small as the
input: this script scales the sample values so they add up to N (every sample keeps at least 1),
and keeps every other field byte for byte (string table, locations, functions, mappings).

  --inject-match RE --inject-count K
      samples whose stack has a function name matching RE get K goroutines between them (in
      proportion to their original values); the others are scaled to N. With the unbuffered-chan
      corpus candidate this makes "N healthy goroutines + a K-goroutine leak", like
      scale-dump.py --inject-count does for text dumps.
  --unique-labels
      worst case: every goroutine becomes its own Sample (value 1) with a pprof label
      `request_id=rNNNNNNN`, as a service that labels each request with pprof.Do would produce.
      The profile then holds N samples and N more strings (tens of MB, a few MB gzipped).

Fields are decoded by hand (varints, length-delimited); see google/pprof proto/profile.proto.
"""

import argparse
import gzip
import re
import sys


def read_varint(buf, pos):
    result = 0
    shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def varint(value):
    out = bytearray()
    while True:
        b = value & 0x7F
        value >>= 7
        if value:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def fields(buf):
    """Yield (field number, wire type, value, raw bytes of the whole field)."""
    pos = 0
    n = len(buf)
    while pos < n:
        start = pos
        key, pos = read_varint(buf, pos)
        num, wt = key >> 3, key & 7
        if wt == 0:
            val, pos = read_varint(buf, pos)
        elif wt == 1:
            val = buf[pos:pos + 8]
            pos += 8
        elif wt == 2:
            length, pos = read_varint(buf, pos)
            val = buf[pos:pos + length]
            pos += length
        elif wt == 5:
            val = buf[pos:pos + 4]
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wt} at byte {start}")
        yield num, wt, val, buf[start:pos]


def ints(wt, val):
    """A repeated int field's values: packed (wire type 2) or one varint."""
    if wt == 0:
        return [val]
    out = []
    pos = 0
    while pos < len(val):
        v, pos = read_varint(val, pos)
        out.append(v)
    return out


def ld(num, payload):
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def vi(num, value):
    return varint(num << 3) + varint(value)


def packed(num, values):
    return ld(num, b"".join(varint(v) for v in values))


def scale(values, total):
    """Integers >= 1, proportional to values, adding up to total (largest remainders)."""
    if not values:
        return []
    if total < len(values):
        raise SystemExit(f"cannot spread {total} goroutines over {len(values)} samples")
    base = sum(values)
    spare = total - len(values)  # every sample keeps at least 1
    exact = [v * spare / base for v in values]
    out = [1 + int(e) for e in exact]
    left = total - sum(out)
    order = sorted(range(len(values)), key=lambda i: (-(exact[i] - int(exact[i])), i))
    for i in order[:left]:
        out[i] += 1
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", help="a goroutine profile (.pb.gz or raw profile.proto)")
    ap.add_argument("-n", "--goroutines", type=int, default=1_000_000,
                    help="goroutines, before --inject-count (default 1000000)")
    ap.add_argument("-o", "--output", required=True, help="output .pb.gz")
    ap.add_argument("--inject-match", help="regex on function names of the samples to set to K")
    ap.add_argument("--inject-count", type=int, default=0, help="K: goroutines in the matched samples")
    ap.add_argument("--unique-labels", action="store_true",
                    help="one Sample per goroutine, each with its own request_id label")
    ap.add_argument("--gzip-level", type=int, default=1)
    args = ap.parse_args()

    raw = open(args.input, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)

    strings, functions, locations = [], {}, {}
    samples = []  # (index in top-level field list, location ids, value list, label bytes)
    top = []
    for num, wt, val, whole in fields(raw):
        top.append((num, whole))
        if num == 6:
            strings.append(val.decode("utf-8", "replace"))
        elif num == 5:
            fid, name = 0, 0
            for fnum, fwt, fval, _ in fields(val):
                if fnum == 1:
                    fid = fval
                elif fnum == 2:
                    name = fval
            functions[fid] = name
        elif num == 4:
            lid, fids = 0, []
            for fnum, fwt, fval, _ in fields(val):
                if fnum == 1:
                    lid = fval
                elif fnum == 4:
                    for lnum, lwt, lval, _ in fields(fval):
                        if lnum == 1:
                            fids.append(lval)
            locations[lid] = fids
        elif num == 2:
            locs, values, labels = [], [], []
            for snum, swt, sval, swhole in fields(val):
                if snum == 1:
                    locs += ints(swt, sval)
                elif snum == 2:
                    values += ints(swt, sval)
                elif snum == 3:
                    labels.append(swhole)
            if len(values) != 1:
                raise SystemExit("expected one value per sample (a goroutine profile)")
            samples.append((len(top) - 1, locs, values[0], b"".join(labels)))
    if not samples:
        raise SystemExit("no samples")

    def names(locs):
        return [strings[functions.get(f, 0)] for l in locs for f in locations.get(l, [])]

    matched = set()
    if args.inject_match:
        rx = re.compile(args.inject_match)
        matched = {i for i, s in enumerate(samples) if any(rx.search(n) for n in names(s[1]))}
        if not matched:
            raise SystemExit(f"no sample matches {args.inject_match!r}")
    rest = [i for i in range(len(samples)) if i not in matched]
    counts = [0] * len(samples)
    for i, c in zip(rest, scale([samples[i][2] for i in rest], args.goroutines)):
        counts[i] = c
    if matched:
        m = sorted(matched)
        for i, c in zip(m, scale([samples[i][2] for i in m], args.inject_count)):
            counts[i] = c

    sample_fields = {}
    extra_strings = []
    if args.unique_labels:
        key_idx = len(strings)
        extra_strings.append("request_id")
        next_id = 0
        for si, (pos, locs, _, labels) in enumerate(samples):
            loc_bytes = packed(1, locs) if locs else b""
            prefix = loc_bytes + vi(2, 1) + labels
            chunks = []
            for _ in range(counts[si]):
                str_idx = key_idx + 1 + next_id
                extra_strings.append(f"r{next_id:07d}")
                next_id += 1
                label = ld(3, vi(1, key_idx) + vi(2, str_idx))
                chunks.append(ld(2, prefix + label))
            sample_fields[pos] = b"".join(chunks)
    else:
        for si, (pos, locs, _, labels) in enumerate(samples):
            body = (packed(1, locs) if locs else b"") + vi(2, counts[si]) + labels
            sample_fields[pos] = ld(2, body)

    out = bytearray()
    for i, (num, whole) in enumerate(top):
        out += sample_fields.get(i, whole)
    for s in extra_strings:
        out += ld(6, s.encode())
    with open(args.output, "wb") as f:
        f.write(gzip.compress(bytes(out), compresslevel=args.gzip_level, mtime=0))
    total = sum(counts)
    nsamples = total if args.unique_labels else len(samples)
    print(f"{args.output}: {total} goroutines, {nsamples} samples, {len(out)} bytes raw",
          file=sys.stderr)


if __name__ == "__main__":
    main()
