-- On a SQLite file, telemetry lives in a database file of its own beside the main one (see
-- app/src/server/db/telemetry_file.rs): its writer commits without waiting for answer saves
-- and hand-ins, and they without waiting for it. The tables are the main schema's
-- `proctor_events` and `telemetry_buckets`, without the foreign keys SQLite cannot keep across
-- files (events and buckets are removed explicitly: retention, erasure). Main-file databases
-- made before the split have their rows moved here when a server first opens them.
CREATE TABLE IF NOT EXISTS proctor_events (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    client_ms BIGINT NOT NULL,
    server_ms BIGINT NOT NULL,
    payload_json TEXT NOT NULL,
    UNIQUE (session_id, seq)
);

CREATE TABLE IF NOT EXISTS telemetry_buckets (
    session_id TEXT PRIMARY KEY NOT NULL,
    tokens BIGINT NOT NULL,
    refilled_at BIGINT NOT NULL
);
