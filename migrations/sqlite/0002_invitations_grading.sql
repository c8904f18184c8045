-- Invitations with single-use expiring tokens, the outgoing mail queue, accommodations in
-- percent, essay feedback from the person who graded it, and marks for review kept on the server.

ALTER TABLE enrollments ADD COLUMN extra_time_percent BIGINT NOT NULL DEFAULT 0;

CREATE TABLE invitations (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    exam_id TEXT NOT NULL REFERENCES exams(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    extra_time_percent BIGINT NOT NULL DEFAULT 0,
    extra_time_minutes BIGINT NOT NULL DEFAULT 0,
    invited_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    accepted_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX invitations_exam ON invitations (exam_id, email);

CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    to_email TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX outbox_unsent ON outbox (sent_at, created_at);

ALTER TABLE answers ADD COLUMN feedback TEXT;
ALTER TABLE answers ADD COLUMN marked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE exam_sessions ADD COLUMN graded_by TEXT REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE exam_sessions ADD COLUMN graded_at BIGINT;
