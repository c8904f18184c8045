-- (PostgreSQL; kept in step with ../sqlite by a test.) Review: an outcome per session set by people only (its own state machine beside delivery),
-- decisions on flags with who and when, flags raised by reviewers, a history of every change,
-- accommodations that relax rules per enrollment, and results withheld until reviewed.

ALTER TABLE exam_sessions ADD COLUMN review_state TEXT NOT NULL DEFAULT 'NOT_REVIEWED';
ALTER TABLE exam_sessions ADD COLUMN claimed_by TEXT REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE exam_sessions ADD COLUMN claimed_at BIGINT;
ALTER TABLE exam_sessions ADD COLUMN first_reviewer TEXT REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE exam_sessions ADD COLUMN reviewed_at BIGINT;
-- Every flag ever raised (dismissed ones too).
ALTER TABLE exam_sessions ADD COLUMN flag_count BIGINT NOT NULL DEFAULT 0;
-- The queue reads sessions by organisation, riskiest first, from one index: the owning
-- organisation is kept on the session, and `in_queue` says whether it waits for a person
-- (it has a flag, or its exam withholds results and it was submitted).
ALTER TABLE exam_sessions ADD COLUMN org_id TEXT REFERENCES organizations(id) ON DELETE CASCADE;
ALTER TABLE exam_sessions ADD COLUMN in_queue INTEGER NOT NULL DEFAULT 0;

-- Delivery and review were one column; delivery keeps its three states.
UPDATE exam_sessions SET status = 'COMPLETED' WHERE submitted_at IS NOT NULL;
UPDATE exam_sessions SET status = 'IN_PROGRESS' WHERE submitted_at IS NULL AND status <> 'NOT_STARTED';
UPDATE exam_sessions SET flag_count = (SELECT COUNT(*) FROM flags f WHERE f.session_id = exam_sessions.id);
UPDATE exam_sessions SET org_id = (SELECT e.org_id FROM exams e WHERE e.id = exam_sessions.exam_id);
UPDATE exam_sessions SET in_queue = 1 WHERE flag_count > 0;

CREATE INDEX exam_sessions_queue ON exam_sessions (org_id, in_queue, risk_score, id);
CREATE INDEX exam_sessions_queue_state ON exam_sessions (org_id, in_queue, review_state, risk_score, id);
CREATE INDEX exam_sessions_queue_exam ON exam_sessions (org_id, in_queue, exam_id, review_state, risk_score, id);
-- A candidate's sessions (the queue's email search starts from the matching users), and a
-- reviewer's claims.
CREATE INDEX exam_sessions_user ON exam_sessions (user_id, org_id, in_queue);
CREATE INDEX exam_sessions_claim ON exam_sessions (claimed_by, org_id, in_queue, claimed_at);

ALTER TABLE flags ADD COLUMN note TEXT;
ALTER TABLE flags ADD COLUMN raised_by TEXT REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE flags ADD COLUMN at_ms BIGINT;
-- What a flag the server raises once is raised for (a silence after one event, the event cap):
-- a second writer's attempt to raise it again conflicts and changes nothing. NULL for the rest.
ALTER TABLE flags ADD COLUMN once_key TEXT;
CREATE UNIQUE INDEX flags_once ON flags (session_id, once_key);
CREATE INDEX flags_type ON flags (flag_type, session_id);

CREATE TABLE review_history (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES exam_sessions(id) ON DELETE CASCADE,
    flag_id TEXT REFERENCES flags(id) ON DELETE CASCADE,
    actor_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    at BIGINT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    note TEXT
);
CREATE INDEX review_history_session ON review_history (session_id, at);

ALTER TABLE enrollments ADD COLUMN relaxations_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE exams ADD COLUMN withhold_results INTEGER NOT NULL DEFAULT 0;
