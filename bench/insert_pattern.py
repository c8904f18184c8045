#!/usr/bin/env python3
"""A model of the telemetry writer's insert pattern on SQLite, without Vigil.

    python3 bench/insert_pattern.py [seconds] [layout ...]

5,000 sessions each send one batch of 10 events a second, in a random order; batches are
committed 30 at a time (300 events), into a table shaped like `proctor_events` (WAL, synchronous
FULL, wal_autocheckpoint 16,000). Layouts (all by default):

    index       the table as Vigil has it, with its `(session_id, seq)` unique index
    plain       without that index (what it costs)
    small-pages the table as Vigil has it in a file of 1 KiB pages (a batch's index page is a
                quarter of the bytes; the index has four times the pages)
    clustered   the rows themselves ordered by `(session_id, seq)` (`WITHOUT ROWID`), the id
                unique beside them: no separate per-session index, but each batch lands
                between other sessions' rows

Prints, for each simulated second, rows stored per second of wall time and bytes written per
second (/proc/self/io), then each layout's figures over its second half (once the index has
grown): rows/s and bytes written per row. Python's own per-row cost is in the figures, so
compare the layouts, not any of them with the server; bytes per row do not depend on how busy
the machine is.
"""
import os
import random
import sqlite3
import sys
import tempfile
import time
import uuid

SESSIONS = 5_000
EVENTS_PER_BATCH = 10
BATCHES_PER_COMMIT = 30

COLUMNS = (
    "session_id TEXT NOT NULL, seq BIGINT NOT NULL, kind TEXT NOT NULL, client_ms BIGINT NOT NULL, "
    "server_ms BIGINT NOT NULL, payload_json TEXT NOT NULL"
)
LAYOUTS = {
    "index": (4096, f"CREATE TABLE proctor_events (id TEXT PRIMARY KEY NOT NULL, {COLUMNS}, "
                    "UNIQUE (session_id, seq))"),
    "plain": (4096, f"CREATE TABLE proctor_events (id TEXT PRIMARY KEY NOT NULL, {COLUMNS})"),
    "small-pages": (1024, f"CREATE TABLE proctor_events (id TEXT PRIMARY KEY NOT NULL, {COLUMNS}, "
                          "UNIQUE (session_id, seq))"),
    "clustered": (4096, f"CREATE TABLE proctor_events (id TEXT NOT NULL UNIQUE, {COLUMNS}, "
                        "PRIMARY KEY (session_id, seq)) WITHOUT ROWID"),
}


def written_bytes():
    with open("/proc/self/io") as io:
        for line in io:
            if line.startswith("write_bytes:"):
                return int(line.split()[1])
    return 0


def run(layout, seconds, directory):
    page_size, create = LAYOUTS[layout]
    db = sqlite3.connect(os.path.join(directory, f"{layout}.db"), isolation_level=None)
    # Before anything is written: a file's page size is fixed once it has content.
    db.execute(f"PRAGMA page_size = {page_size}")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA wal_autocheckpoint = 16000")
    db.execute(create)
    sessions = [str(uuid.uuid4()) for _ in range(SESSIONS)]
    seqs = [0] * SESSIONS
    counter = 0
    late_rows, late_bytes, late_time = 0, 0, 0.0
    for second in range(seconds):
        order = list(range(SESSIONS))
        random.shuffle(order)
        started, before = time.monotonic(), written_bytes()
        for first in range(0, SESSIONS, BATCHES_PER_COMMIT):
            rows = []
            for s in order[first : first + BATCHES_PER_COMMIT]:
                for _ in range(EVENTS_PER_BATCH):
                    seqs[s] += 1
                    counter += 1
                    # Time-ordered ids, as UUIDv7 are.
                    rows.append((f"{time.time_ns():020d}-{counter:012d}", sessions[s], seqs[s],
                                 "focus_lost", 1, 2, '{"kind":"focus_lost"}'))
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT INTO proctor_events (id, session_id, seq, kind, client_ms, "
                           "server_ms, payload_json) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            db.execute("COMMIT")
        took = time.monotonic() - started
        wrote = written_bytes() - before
        rows_now = SESSIONS * EVENTS_PER_BATCH
        print(f"{layout:12} second {second:2}: {rows_now / took:9,.0f} rows/s  "
              f"{wrote / took / 1e6:6.1f} MB/s written", flush=True)
        if second >= seconds // 2:
            late_rows, late_bytes, late_time = late_rows + rows_now, late_bytes + wrote, late_time + took
    db.close()
    return late_rows / late_time, late_bytes / late_rows


def main():
    args = sys.argv[1:]
    seconds = int(args.pop(0)) if args and args[0].isdigit() else 12
    layouts = args or list(LAYOUTS)
    unknown = [l for l in layouts if l not in LAYOUTS]
    if unknown:
        sys.exit(f"unknown layout {unknown[0]!r}; choose from {', '.join(LAYOUTS)}")
    summary = []
    with tempfile.TemporaryDirectory() as directory:
        for layout in layouts:
            summary.append((layout, *run(layout, seconds, directory)))
    print(f"\nsecond half of each run ({seconds - seconds // 2} s):")
    for layout, rows_per_s, bytes_per_row in summary:
        print(f"{layout:12} {rows_per_s:9,.0f} rows/s  {bytes_per_row:6,.0f} bytes written per row")


if __name__ == "__main__":
    main()
