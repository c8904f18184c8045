-- Authoring: banks with a description, department, tags and a review state of their own;
-- questions as stable identities with numbered, immutable versions (the content as JSON, the
-- model in shared::question); a history of every change of state.

ALTER TABLE question_banks ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE question_banks ADD COLUMN department_id TEXT REFERENCES departments(id) ON DELETE SET NULL;
ALTER TABLE question_banks ADD COLUMN tags_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE question_banks ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE question_banks ADD COLUMN review_reason TEXT;
CREATE INDEX question_banks_org ON question_banks (org_id, status);

-- What a question was called where it came from (GIFT [id:…], Moodle idnumber, QTI identifier):
-- importing one file twice finds the questions of the first import instead of doubling them.
ALTER TABLE questions ADD COLUMN source_id TEXT;
ALTER TABLE questions ADD COLUMN created_by TEXT REFERENCES users(id) ON DELETE SET NULL;
CREATE UNIQUE INDEX questions_source ON questions (bank_id, source_id);

CREATE TABLE question_versions (
    id TEXT PRIMARY KEY NOT NULL,
    question_id TEXT NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    version_no BIGINT NOT NULL,
    status TEXT NOT NULL,
    -- The kind the player delivers (shared::grading::QuestionKind), or MATCHING / DESCRIPTION.
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    difficulty TEXT NOT NULL,
    content_json TEXT NOT NULL,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    reviewed_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    reviewed_at BIGINT,
    review_reason TEXT,
    UNIQUE (question_id, version_no)
);
CREATE INDEX question_versions_status ON question_versions (status, question_id);

CREATE TABLE authoring_history (
    id TEXT PRIMARY KEY NOT NULL,
    -- BANK or QUESTION_VERSION, and its id.
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    bank_id TEXT NOT NULL REFERENCES question_banks(id) ON DELETE CASCADE,
    actor_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    at BIGINT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    note TEXT
);
CREATE INDEX authoring_history_subject ON authoring_history (subject_id, at);
