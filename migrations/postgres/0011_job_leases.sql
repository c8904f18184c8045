-- Which node runs each background job, until when (server::jobs): one row per job, taken or
-- renewed by a conditional upsert, so jobs run once across nodes sharing the database.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY NOT NULL,
    holder TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
