-- The exam builder: exams made of sections (fixed question versions, or draws from a bank),
-- with instructions, an attempt policy, and when results show; the questions each attempt
-- got, frozen when it starts; per-candidate overrides of the window and the attempts; the
-- organisation's time zone, in which coordinators enter and read times.
--
-- `exams.bank_id` stays: it names the bank an exam was started from (the builder asks for
-- one, and its sections may draw on others). SQLite cannot relax its NOT NULL without
-- rebuilding the table, and a rebuild would cascade-delete every enrollment.

ALTER TABLE exams ADD COLUMN instructions TEXT NOT NULL DEFAULT '';
ALTER TABLE exams ADD COLUMN attempt_policy TEXT NOT NULL DEFAULT 'HIGHEST';
ALTER TABLE exams ADD COLUMN results_when TEXT NOT NULL DEFAULT 'ON_SUBMIT';
ALTER TABLE exams ADD COLUMN created_by TEXT REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE exams ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;

ALTER TABLE organizations ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';

CREATE TABLE exam_sections (
    id TEXT PRIMARY KEY NOT NULL,
    exam_id TEXT NOT NULL REFERENCES exams(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    -- A draw: how many approved questions of `bank_id` each attempt gets, filtered by tags (all
    -- of them) and difficulty. NULL draw_count: a fixed section.
    bank_id TEXT REFERENCES question_banks(id),
    draw_count BIGINT,
    tags_json TEXT NOT NULL DEFAULT '[]',
    difficulty TEXT
);
CREATE INDEX exam_sections_exam ON exam_sections (exam_id, position);

-- The question versions of a section: chosen by the coordinator for a fixed section; for a draw,
-- the pool frozen when the exam is published.
CREATE TABLE exam_section_items (
    section_id TEXT NOT NULL REFERENCES exam_sections(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    version_id TEXT NOT NULL REFERENCES question_versions(id),
    PRIMARY KEY (section_id, position)
);

-- The questions one attempt got, in the order it shows them.
CREATE TABLE attempt_questions (
    session_id TEXT NOT NULL REFERENCES exam_sessions(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    question_id TEXT NOT NULL REFERENCES questions(id),
    version_id TEXT NOT NULL REFERENCES question_versions(id),
    PRIMARY KEY (session_id, position),
    UNIQUE (session_id, question_id)
);

ALTER TABLE enrollments ADD COLUMN opens_at_override BIGINT;
ALTER TABLE enrollments ADD COLUMN closes_at_override BIGINT;
ALTER TABLE enrollments ADD COLUMN extra_attempts BIGINT NOT NULL DEFAULT 0;
