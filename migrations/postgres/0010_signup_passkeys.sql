-- Self sign-up proves the address: an account made by signing up cannot sign in until its
-- owner follows the emailed link. Accounts that existed before (or came by an emailed
-- invitation) count as proven.
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;
UPDATE users SET email_verified_at = created_at;

-- Links that prove an address: only a hash of the token is kept; a link works once, for a day.
CREATE TABLE email_verifications (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX email_verifications_user ON email_verifications (user_id);

-- Settings of the whole installation, in its one row; the super admin changes them.
-- `self_sign_up` 0 means invitation only.
CREATE TABLE platform_settings (
    id BIGINT PRIMARY KEY NOT NULL,
    self_sign_up BIGINT NOT NULL DEFAULT 1
);
INSERT INTO platform_settings (id, self_sign_up) VALUES (1, 1);

-- Passkeys (WebAuthn). `passkey_handle` is the person's user handle (a UUID) that their
-- authenticators keep; it names no one. `credential` is the verified public key and signature
-- counter as webauthn-rs serialises it.
ALTER TABLE users ADD COLUMN passkey_handle TEXT;
CREATE UNIQUE INDEX users_passkey_handle ON users (passkey_handle);
CREATE TABLE passkeys (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    credential TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX passkeys_user ON passkeys (user_id);

-- A passkey ceremony between its two requests: the challenge state webauthn-rs checks the
-- answer against. Used once, for five minutes; `user_id` is whose it is (none for a sign-in
-- where the passkey says who).
CREATE TABLE passkey_ceremonies (
    id TEXT PRIMARY KEY NOT NULL,
    purpose TEXT NOT NULL,
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    name TEXT,
    state TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
