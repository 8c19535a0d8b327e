#!/usr/bin/env bash
# The JSON schemas in docs/ accept what taskdiff really writes and reads: the snapshot of each
# kind of input (every format; a crash with its panic message, Go 1.22+ level-2 crash output,
# virtual threads, merged replicas, a truncated dump's warnings) validates against docs/taskdiff.snapshot.schema.json, and the
# tasks-json example against docs/taskdiff.tasks.schema.json (JSON Schema draft 2020-12).
# Needs Python's jsonschema (Debian: python3-jsonschema); without it the test is skipped (77).
#
#   tests/schemas.sh path/to/taskdiff
set -u -o pipefail
TD=$(realpath "${1:?usage: schemas.sh path/to/taskdiff}")
SRC=$(realpath "$(dirname "$0")/..")
T=$SRC/testdata
python=""
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import jsonschema; jsonschema.Draft202012Validator' 2>/dev/null; then
    python=$candidate
    break
  fi
done
if [ -z "$python" ]; then
  echo "SKIP: no python3 with jsonschema (Debian: apt-get install python3-jsonschema)"
  exit 77
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/taskdiff-schemas.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

status=0
snapshot() { # NAME ARGS...: taskdiff snapshot ARGS -o scratch/NAME.json
  local name=$1
  shift
  if ! "$TD" snapshot "$@" -o "$scratch/$name.json" 2>"$scratch/$name.err"; then
    echo "FAIL $name: taskdiff snapshot $*: $(head -3 "$scratch/$name.err")"
    status=1
  fi
}
snapshot go-debug2 "$T/corpus/healthy/base.debug2.txt"
snapshot go-debug1 "$T/corpus/healthy/base.debug1.txt"
snapshot go-debug1-labels "$T/go/go1.23-debug1-labels.txt"
snapshot pprof "$T/corpus/healthy/base.pb.gz"
snapshot go-panic "$T/go/go1.23-panic-gotraceback-all.txt"
snapshot go-sigquit-crash "$T/go/go1.19-gotraceback-crash-sigquit.txt"
snapshot go-sigquit-level2 "$T/go/go1.23-sigquit-http.txt"
snapshot java-jstack "$T/java/jdk25-leakapp.jstack.txt"
snapshot java-threads-text "$T/java/jdk25-leakapp.threads.txt"
snapshot java-virtual-threads "$T/java/jdk25-virtual-threads.threads.json"
snapshot tasks-json "$T/json/tasks.json"
snapshot replicas "$T/corpus/healthy/base.debug2.txt" "$T/corpus/healthy/cand.debug2.txt" "$T/corpus/healthy/base.pb.gz"
head -c 3000 "$T/corpus/healthy/base.debug2.txt" >"$scratch/cut.txt"
snapshot truncated --allow-truncated "$scratch/cut.txt"

"$python" - "$SRC/docs" "$scratch" "$T/json/tasks.json" <<'PY' || status=1
import glob, json, os, sys
import jsonschema

docs, scratch, tasks = sys.argv[1:]
def validator(name):
    with open(os.path.join(docs, name)) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)

failed = 0
def check(validator, path, label):
    global failed
    with open(path) as f:
        doc = json.load(f)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for error in errors[:3]:
        where = "".join(f"[{p!r}]" for p in error.absolute_path)
        print(f"FAIL {label}: ${where}: {error.message[:200]}")
    failed += bool(errors)
    if not errors:
        print(f"ok   {label}")

snapshot = validator("taskdiff.snapshot.schema.json")
for path in sorted(glob.glob(os.path.join(scratch, "*.json"))):
    check(snapshot, path, "snapshot of " + os.path.basename(path)[:-5])
check(validator("taskdiff.tasks.schema.json"), tasks, "testdata/json/tasks.json")
sys.exit(1 if failed else 0)
PY
exit $status
