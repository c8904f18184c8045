-- Imports are parsed twice: once for the preview, once for the commit, from the bytes kept
-- here in between (so what is committed is exactly what was previewed). Files (images) belong
-- to a bank and are served only to people who may read it.

CREATE TABLE import_uploads (
    id TEXT PRIMARY KEY NOT NULL,
    bank_id TEXT NOT NULL REFERENCES question_banks(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    format TEXT NOT NULL,
    filename TEXT NOT NULL,
    content BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    committed_at BIGINT
);
CREATE INDEX import_uploads_user ON import_uploads (user_id, created_at);

CREATE TABLE bank_files (
    id TEXT PRIMARY KEY NOT NULL,
    bank_id TEXT NOT NULL REFERENCES question_banks(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    -- One copy of the same bytes per bank.
    UNIQUE (bank_id, sha256)
);
