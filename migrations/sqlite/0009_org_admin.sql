-- Organisation administration: an organisation can be suspended by the platform's super admin,
-- holds its own defaults (proctoring sensitivity, whether staff need a second factor), and
-- invites its staff by email with the roles they will hold.

ALTER TABLE organizations ADD COLUMN suspended_at BIGINT;
ALTER TABLE organizations ADD COLUMN default_sensitivity TEXT NOT NULL DEFAULT 'MEDIUM';
ALTER TABLE organizations ADD COLUMN staff_second_factor INTEGER NOT NULL DEFAULT 0;
-- Written by every change to who holds ORG_ADMIN: the write takes the row's lock, so two
-- admins demoting each other at once are serialised and the last admin always remains.
ALTER TABLE organizations ADD COLUMN members_changed_at BIGINT NOT NULL DEFAULT 0;

-- `roles` holds role names separated by commas (a closed set, checked when read back).
CREATE TABLE staff_invitations (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    roles TEXT NOT NULL,
    department_id TEXT REFERENCES departments(id) ON DELETE SET NULL,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    accepted_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX staff_invitations_org ON staff_invitations (org_id, email);
CREATE INDEX audit_log_org ON audit_log (org_id, at);

-- When the retention job removed the session's raw telemetry and evidence (its score, answers
-- and review outcome stay).
ALTER TABLE exam_sessions ADD COLUMN telemetry_purged_at BIGINT;

-- A person's request that their account be deleted. An admin of an organisation they belong
-- to confirms it; their results stay, anonymised.
CREATE TABLE deletion_requests (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    requested_at BIGINT NOT NULL,
    decided_at BIGINT,
    decided_by TEXT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX deletion_requests_user ON deletion_requests (user_id);

-- A second factor: a time-based one-time code (RFC 6238). `secret` is base32; `enabled_at` is
-- set once the person has typed a first code from their app; `last_step` is the newest time
-- step accepted, so a code is never accepted twice.
CREATE TABLE user_totp (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    enabled_at BIGINT,
    last_step BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
-- Single-use codes for when the phone is lost; only their hashes are kept.
CREATE TABLE recovery_codes (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at BIGINT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
-- A sign-in whose password was right, waiting for its second factor (a few minutes, a few tries).
CREATE TABLE second_factor_challenges (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    ip TEXT,
    expires_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0
);
