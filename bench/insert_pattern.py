#!/usr/bin/env python3
"""A model of the telemetry writer's insert pattern on SQLite, without Vigil.

    python3 bench/insert_pattern.py [seconds]

5,000 sessions each send one batch of 10 events a second, in a random order; batches are
committed 30 at a time (300 events), into a table shaped like `proctor_events` (WAL, synchronous
FULL, wal_autocheckpoint 16,000), once with its `(session_id, seq)` unique index and once
without. Prints, for each simulated second, rows stored per second of wall time and bytes
written per second (/proc/self/io). It shows what the per-session index costs: once the index
has grown, every batch changes a page of its own. Python's own per-row cost is in the figures,
so compare the two runs, not either with the server.
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


def written_bytes():
    with open("/proc/self/io") as io:
        for line in io:
            if line.startswith("write_bytes:"):
                return int(line.split()[1])
    return 0


def run(with_index, seconds, directory):
    path = os.path.join(directory, "index.db" if with_index else "plain.db")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA wal_autocheckpoint = 16000")
    unique = ", UNIQUE (session_id, seq)" if with_index else ""
    db.execute(
        "CREATE TABLE proctor_events (id TEXT PRIMARY KEY NOT NULL, session_id TEXT NOT NULL, "
        "seq BIGINT NOT NULL, kind TEXT NOT NULL, client_ms BIGINT NOT NULL, "
        f"server_ms BIGINT NOT NULL, payload_json TEXT NOT NULL{unique})"
    )
    sessions = [str(uuid.uuid4()) for _ in range(SESSIONS)]
    seqs = [0] * SESSIONS
    counter = 0
    label = "with (session_id, seq) index" if with_index else "without it"
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
            db.executemany("INSERT INTO proctor_events VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            db.execute("COMMIT")
        took = time.monotonic() - started
        rows_per_s = SESSIONS * EVENTS_PER_BATCH / took
        mb_per_s = (written_bytes() - before) / took / 1e6
        print(f"{label:30} second {second:2}: {rows_per_s:9,.0f} rows/s  {mb_per_s:6.1f} MB/s written",
              flush=True)
    db.close()


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    with tempfile.TemporaryDirectory() as directory:
        run(True, seconds, directory)
        run(False, seconds, directory)


if __name__ == "__main__":
    main()
