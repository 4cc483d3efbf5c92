# Every man page is clean under mandoc -Tlint (cross-references to our
# own, not yet installed, pages aside).
if command -v mandoc >/dev/null 2>&1; then
	for m in "$top"/man/*.[1-8]; do
		out=$(mandoc -Tlint "$m" 2>&1 | grep -v -e 'referenced manual not found' -e 'mandoc.db')
		[ -z "$out" ] && ok "mandoc -Tlint $(basename "$m")" ||
			bad "mandoc -Tlint $(basename "$m"): $out"
	done
else
	skip "mandoc is not installed: man pages not linted"
fi
