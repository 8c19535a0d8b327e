#!/usr/bin/env bash
# The whole test suite (the README's test command; .ci/run calls it).
#
# Always: the Release build and every ctest entry (unit, e2e, corpus, peer dumps, bad inputs,
# determinism, JSON schemas, fuzz-corpus replay). With CI=true (or TASKDIFF_FULL=1) first: every
# libFuzzer target for 60 s (tests/fuzz/run-fuzzers.sh) and the whole suite under ASan+UBSan
# (CMakePresets.json `asan`). The Release ctest runs last, so the closing line counts its tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the build and the tests need; installed only where missing.
packages=(cmake g++ pkg-config python3 gzip util-linux libcli11-dev libfmt-dev nlohmann-json3-dev
  libre2-dev doctest-dev zlib1g-dev libprotozero-dev libxxhash-dev libabsl-dev python3-jsonschema
  zsh time)
full=false
if [ "${CI:-}" = true ] || [ "${TASKDIFF_FULL:-}" = 1 ]; then
  full=true
  packages+=(clang libclang-rt-14-dev)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}"
fi

if $full; then
  FUZZ_PARALLEL=2 tests/fuzz/run-fuzzers.sh 60
  cmake --preset asan && cmake --build --preset asan -j2 && ctest --preset asan -j2
fi
cmake --preset default && cmake --build --preset default -j2 && ctest --preset default -j2
