# make install DESTDIR=... installs every expected file, and nothing
# outside DESTDIR.
dest="$tmp/install"
if make -s -C "$top" install BUILD="${BUILD#$top/}" DESTDIR="$dest" PREFIX=/usr/local >"$tmp/install.log" 2>&1; then
	missing=""
	for f in usr/local/bin/harbourd usr/local/bin/harbour \
	    usr/local/share/man/man1/harbour.1 usr/local/share/man/man5/harbourd.conf.5 \
	    usr/local/share/man/man7/harbour-protocol.7 usr/local/share/man/man8/harbourd.8 \
	    usr/local/lib/systemd/system/harbourd.service \
	    usr/local/lib/sysusers.d/harbour.conf usr/local/lib/tmpfiles.d/harbour.conf \
	    etc/harbour/harbourd.conf.example; do
		[ -f "$dest/$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ] && ok "make install puts every file in place" ||
		bad "make install is missing:$missing"
	grep -q "ExecStart=/usr/local/bin/harbourd -c /etc/harbour/harbourd.conf" \
	    "$dest/usr/local/lib/systemd/system/harbourd.service" &&
		ok "installed unit names the installed binary" ||
		bad "installed unit does not name /usr/local/bin/harbourd"
else
	bad "make install failed: $(tail -3 "$tmp/install.log")"
fi
