-- How much each exam session may still send (server::ingest): a token bucket kept in the
-- database, so the rate holds across every node a candidate's connections reach. Tokens are
-- counted in thousandths of an event, so the refill stays integer arithmetic.
CREATE TABLE telemetry_buckets (
    session_id TEXT PRIMARY KEY NOT NULL REFERENCES exam_sessions(id) ON DELETE CASCADE,
    tokens BIGINT NOT NULL,
    refilled_at BIGINT NOT NULL
);
