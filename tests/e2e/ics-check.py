#!/usr/bin/python3
"""ics-check.py FILE: read an iCalendar file as a calendar program would.

For tests/e2e/30-event-cli.c: checks the file's lines as RFC 5545 wants
them (CRLF endings, at most 75 octets, folds that do not split a UTF-8
character), parses it with the icalendar library (Debian's
python3-icalendar), and prints one line per VEVENT, its fields apart by
tabs, newlines in them written as \\n:

    UID SUMMARY DTSTART DTEND STATUS LOCATION CATEGORIES DESCRIPTION

with the times in UTC as 20250304T140000Z and the categories apart by
commas. Exits 1 with the reason on stderr when the file is wrong.
"""
import datetime
import sys

import icalendar

LINE_MAX = 75


def fail(why):
    sys.stderr.write("ics-check: %s\n" % why)
    sys.exit(1)


def check_lines(data):
    if not data.endswith(b"\r\n"):
        fail("the file does not end in CRLF")
    lines = data[:-2].split(b"\r\n")
    for n, line in enumerate(lines, 1):
        if b"\n" in line or b"\r" in line:
            fail("line %d: a bare CR or LF" % n)
        if len(line) > LINE_MAX:
            fail("line %d: %d octets, more than %d" % (n, len(line),
                                                       LINE_MAX))
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            fail("line %d: a fold splits a UTF-8 character" % n)
    if lines[0] != b"BEGIN:VCALENDAR" or lines[-1] != b"END:VCALENDAR":
        fail("not one VCALENDAR")


def utc(prop):
    dt = prop.dt
    if dt.tzinfo is None:
        fail("a time without a zone: %s" % dt)
    return dt.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def text(value):
    return str(value if value is not None else "").replace("\n", "\\n")


def categories(ev):
    cats = ev.get("CATEGORIES")
    if cats is None:
        return ""
    if isinstance(cats, list):
        return ",".join(str(c) for sub in cats for c in sub.cats)
    return ",".join(str(c) for c in cats.cats)


def main():
    if len(sys.argv) != 2:
        fail("usage: ics-check.py FILE")
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    check_lines(data)
    cal = icalendar.Calendar.from_ical(data)
    if str(cal.get("VERSION")) != "2.0" or not cal.get("PRODID"):
        fail("no VERSION:2.0 or no PRODID")
    for ev in cal.walk("VEVENT"):
        for need in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY",
                     "STATUS"):
            if ev.get(need) is None:
                fail("a VEVENT without %s" % need)
        print("\t".join([text(ev["UID"]), text(ev["SUMMARY"]),
                         utc(ev["DTSTART"]), utc(ev["DTEND"]),
                         text(ev["STATUS"]), text(ev.get("LOCATION")),
                         categories(ev), text(ev.get("DESCRIPTION"))]))


if __name__ == "__main__":
    main()
