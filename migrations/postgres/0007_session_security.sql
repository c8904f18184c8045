-- Sign-in security: sessions end after a period without activity as well as at their absolute
-- expiry, and remember the browser they were started from (for "your sessions"); sign-in,
-- sign-up and reset attempts are counted in the database, so a burst of parallel requests
-- cannot slip past the count and every node sees the same numbers.

ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
UPDATE sessions SET last_seen_at = created_at;

-- One row per thing counted: `pair:<email> <address>`, `address:<address>`,
-- `account:<email>`, `signup:<address>`. `attempts` counts within the window that began at
-- `window_start`; `next_at` is the earliest time the next attempt is heard (the account-wide
-- delay).
CREATE TABLE sign_in_throttle (
    throttle_key TEXT PRIMARY KEY NOT NULL,
    attempts BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    next_at BIGINT NOT NULL DEFAULT 0
);
