# The unit passes systemd-analyze verify, and its exposure is 1.5 or
# lower (--threshold=15 fails above 1.5).
if command -v systemd-analyze >/dev/null 2>&1; then
	sed "s|@BINDIR@|$BUILD|g" "$top/systemd/harbourd.service" >"$tmp/harbourd.service"
	if systemd-analyze verify --man=no "$tmp/harbourd.service" >"$tmp/verify.log" 2>&1; then
		ok "systemd-analyze verify harbourd.service"
	else
		bad "systemd-analyze verify: $(head -3 "$tmp/verify.log")"
	fi
	if systemd-analyze security --offline=true --threshold=15 \
	    "$tmp/harbourd.service" >"$tmp/security.log" 2>&1; then
		ok "systemd-analyze security: $(grep -o 'exposure level[^:]*: [0-9.]*' "$tmp/security.log")"
	else
		bad "systemd-analyze security above 1.5: $(tail -1 "$tmp/security.log")"
	fi
else
	skip "systemd-analyze is not installed: unit not verified"
fi
