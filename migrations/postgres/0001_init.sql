-- Vigil schema, PostgreSQL flavour. Kept column-for-column in step with ../sqlite by a test.
-- Ids are TEXT (UUID v7), times BIGINT epoch milliseconds, flags INTEGER 0/1, JSON as TEXT.

CREATE TABLE organizations (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    telemetry_retention_days BIGINT NOT NULL DEFAULT 90,
    created_at BIGINT NOT NULL
);

CREATE TABLE departments (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ip TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE organization_members (
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    department_id TEXT REFERENCES departments(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);

CREATE TABLE user_roles (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    department_id TEXT REFERENCES departments(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, org_id, role)
);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL,
    at BIGINT NOT NULL,
    action TEXT NOT NULL,
    actor_user_id TEXT,
    org_id TEXT,
    subject TEXT,
    ip TEXT,
    detail TEXT
);
CREATE INDEX audit_log_action_subject ON audit_log (action, subject, at);
CREATE INDEX audit_log_action_ip ON audit_log (action, ip, at);

CREATE TABLE question_banks (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE questions (
    id TEXT PRIMARY KEY NOT NULL,
    bank_id TEXT NOT NULL REFERENCES question_banks(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    stem TEXT NOT NULL,
    stem_format TEXT NOT NULL DEFAULT 'PLAIN',
    options_json TEXT NOT NULL DEFAULT '[]',
    answer_json TEXT NOT NULL DEFAULT 'null',
    explanation TEXT,
    points BIGINT NOT NULL DEFAULT 1,
    position BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX questions_bank ON questions (bank_id, position);

CREATE TABLE exams (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    bank_id TEXT NOT NULL REFERENCES question_banks(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    opens_at BIGINT NOT NULL,
    closes_at BIGINT NOT NULL,
    duration_minutes BIGINT NOT NULL,
    max_attempts BIGINT NOT NULL DEFAULT 1,
    passing_score BIGINT NOT NULL DEFAULT 50,
    proctoring_enabled INTEGER NOT NULL DEFAULT 1,
    require_fullscreen INTEGER NOT NULL DEFAULT 0,
    show_results TEXT NOT NULL DEFAULT 'SCORE',
    randomize_questions INTEGER NOT NULL DEFAULT 0,
    randomize_options INTEGER NOT NULL DEFAULT 0,
    sensitivity TEXT NOT NULL DEFAULT 'MEDIUM',
    created_at BIGINT NOT NULL
);
CREATE INDEX exams_org ON exams (org_id);

CREATE TABLE enrollments (
    id TEXT PRIMARY KEY NOT NULL,
    exam_id TEXT NOT NULL REFERENCES exams(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    extra_time_minutes BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (exam_id, user_id)
);
CREATE INDEX enrollments_user ON enrollments (user_id);

CREATE TABLE exam_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    exam_id TEXT NOT NULL REFERENCES exams(id) ON DELETE CASCADE,
    enrollment_id TEXT NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    attempt_no BIGINT NOT NULL,
    status TEXT NOT NULL,
    consented_at BIGINT,
    started_at BIGINT NOT NULL,
    deadline_at BIGINT NOT NULL,
    submitted_at BIGINT,
    risk_score BIGINT NOT NULL DEFAULT 0,
    auto_submitted INTEGER NOT NULL DEFAULT 0,
    score DOUBLE PRECISION,
    max_score DOUBLE PRECISION,
    grading_status TEXT,
    passed INTEGER,
    UNIQUE (enrollment_id, attempt_no)
);
CREATE INDEX exam_sessions_exam ON exam_sessions (exam_id, status);

CREATE TABLE answers (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES exam_sessions(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    value_json TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    points_awarded DOUBLE PRECISION,
    UNIQUE (session_id, question_id)
);

CREATE TABLE proctor_events (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES exam_sessions(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    client_ms BIGINT NOT NULL,
    server_ms BIGINT NOT NULL,
    payload_json TEXT NOT NULL,
    UNIQUE (session_id, seq)
);

CREATE TABLE flags (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES exam_sessions(id) ON DELETE CASCADE,
    flag_type TEXT NOT NULL,
    severity TEXT NOT NULL,
    evidence_json TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'OPEN',
    raised_at BIGINT NOT NULL,
    resolution TEXT,
    resolved_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    resolved_at BIGINT
);
CREATE INDEX flags_session ON flags (session_id);
