-- Telemetry grows fastest of all tables: on PostgreSQL it is partitioned by the day its exam
-- session started, so that the retention job drops a whole day at once instead of deleting
-- rows one by one (server::retention, db::event_partitions).
--
-- The partition key is the session id itself. Session ids are UUIDv7, whose first 48 bits
-- are their creation time in milliseconds, written first in hex, so their text sorts by time
-- and a day is a range of ids. Every event of a session lands in one partition, and
-- (session_id, seq), the key telemetry is deduplicated on, stays unique across the table.
--
-- The day partitions are created ahead of time by the nodes; anything outside them (rows
-- stored before this migration, ids that are not UUIDv7) lands in the default partition and is
-- removed row by row as before.
ALTER TABLE proctor_events RENAME TO proctor_events_unpartitioned;
ALTER TABLE proctor_events_unpartitioned RENAME CONSTRAINT proctor_events_pkey TO proctor_events_unpartitioned_pkey;
ALTER TABLE proctor_events_unpartitioned RENAME CONSTRAINT proctor_events_session_id_seq_key TO proctor_events_unpartitioned_session_seq;

CREATE TABLE proctor_events (
    id TEXT NOT NULL,
    session_id TEXT NOT NULL REFERENCES exam_sessions(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    client_ms BIGINT NOT NULL,
    server_ms BIGINT NOT NULL,
    payload_json TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
) PARTITION BY RANGE (session_id);
-- Flags name their evidence by event id.
CREATE INDEX proctor_events_id ON proctor_events (id);
CREATE TABLE proctor_events_default PARTITION OF proctor_events DEFAULT;

INSERT INTO proctor_events (id, session_id, seq, kind, client_ms, server_ms, payload_json)
SELECT id, session_id, seq, kind, client_ms, server_ms, payload_json FROM proctor_events_unpartitioned;
DROP TABLE proctor_events_unpartitioned;
