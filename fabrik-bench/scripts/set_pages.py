#!/usr/bin/env python3
"""Times the web UI's Dead page (and the API behind it) against a running server.

The server time comes from the Server-Timing header every admin HTTP answer carries
("app;dur=<ms>": routing, store reads and template rendering, before the body is sent); the wall
time is what this client saw on loopback. The middle-page cursor is read from the database file
(read-only), so no page walk is needed:

    python3 fabrik-bench/scripts/set_pages.py --url http://127.0.0.1:7420 \
        --db /tmp/fabrik-1m/fabrik.db [--password secret] [--runs 21]
"""
import argparse
import base64
import sqlite3
import statistics
import time
import urllib.parse
import urllib.request

DEAD_SET_ID = 2  # storage.SetName.DEAD's row in set_entries (scheduled 0, retries 1, dead 2)


def middle_cursor(db):
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    total = c.execute("SELECT count(*) FROM set_entries WHERE set_id = ?", (DEAD_SET_ID,)).fetchone()[0]
    score, jid, row = c.execute(
        "SELECT score, jid, id FROM set_entries WHERE set_id = ? ORDER BY score, jid, id"
        " LIMIT 1 OFFSET ?", (DEAD_SET_ID, total // 2)).fetchone()
    # SetEntry.Key.asString(): <epochSecond>_<nano>_<seq>_<jid>; scores are epoch microseconds.
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "~%02X" % ord(ch) for ch in jid)
    return total, f"{score // 1_000_000}_{score % 1_000_000 * 1000}_{row}_{safe}"


def timed(url, auth):
    request = urllib.request.Request(url)
    if auth:
        request.add_header("Authorization", auth)
    started = time.perf_counter()
    with urllib.request.urlopen(request) as r:
        r.read()
        timing = r.headers.get("Server-Timing", "app;dur=nan")
    return float(timing.split("dur=")[1]), (time.perf_counter() - started) * 1000


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", default="http://127.0.0.1:7420")
    p.add_argument("--db", required=True)
    p.add_argument("--password")
    p.add_argument("--runs", type=int, default=21)
    a = p.parse_args()
    auth = None
    if a.password:
        auth = "Basic " + base64.b64encode(f":{a.password}".encode()).decode()
    total, mid = middle_cursor(a.db)
    cursor = urllib.parse.quote(mid)
    print(f"dead set: {total:,} entries; middle cursor {mid}")
    pages = {
        "Dead page, first": "/dead",
        "Dead page, middle": f"/dead?cursor={cursor}",
        "Dead page, newest first": "/dead?order=desc",
        "Dead page, newest first, middle": f"/dead?order=desc&cursor={cursor}",
        "Dead page, job type filter": "/dead?type=ResizeImage",
        "Dead page, text search": "/dead?q=timeout",
        "Dead page, text matching nothing": "/dead?q=no-such-text",
        "API /api/sets/dead, first": "/api/sets/dead",
        "API /api/sets/dead, middle": f"/api/sets/dead?cursor={cursor}",
    }
    for name, path in pages.items():
        timed(a.url + path, auth)  # warm-up, not counted
        runs = [timed(a.url + path, auth) for _ in range(a.runs)]
        server = [s for s, _ in runs]
        wall = [w for _, w in runs]
        print(f"{name:34s} server median {statistics.median(server):6.1f} ms"
              f"  max {max(server):6.1f} ms | wall median {statistics.median(wall):6.1f} ms")


if __name__ == "__main__":
    main()
