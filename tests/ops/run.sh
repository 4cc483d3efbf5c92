#!/bin/sh
# Operations tests: what an operator installs and runs, checked with the
# real tools. Each check prints "ok" or "FAIL", and the last line is
# "N passed, N failed". A check whose tool cannot run here is reported
# as skipped, visibly, never as passed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${HARBOUR_BUILD:-$top/build}
passed=0 failed=0 skipped=0
ok() { echo "ok   - $1"; passed=$((passed + 1)); }
bad() { echo "FAIL - $1"; failed=$((failed + 1)); }
skip() { echo "SKIP - $1"; skipped=$((skipped + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for t in "$top"/tests/ops/t-*.sh; do
	. "$t"
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
