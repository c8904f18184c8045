//! Demo data: one organisation with a user per role, two multi-role users, an approved bank
//! and a proctored exam open now with the demo candidate enrolled. Idempotent.

mod camera;
pub use camera::CAMERA_OPTIONAL_TITLE;

use crate::error::AppError;
use crate::server::auth::hash_password;
use crate::server::db::{self, exams::NewExam, exams::NewQuestion};
use crate::server::{new_id, now_ms};
use shared::Role;
use sqlx::AnyPool;

pub const DEMO_PASSWORD: &str = "vigil-demo-password";
pub const DEMO_ORG_SLUG: &str = "demo";
/// The demo university's time zone.
pub const DEMO_TIME_ZONE: &str = "Europe/Berlin";

/// (email, name, roles) of every demo account.
pub const DEMO_USERS: &[(&str, &str, &[Role])] = &[
    ("superadmin@demo.vigil.test", "Sam Super", &[Role::SuperAdmin]),
    ("admin@demo.vigil.test", "Ada Admin", &[Role::OrgAdmin]),
    ("author@demo.vigil.test", "Arun Author", &[Role::ExamAuthor]),
    (
        "coordinator@demo.vigil.test",
        "Cora Coordinator",
        &[Role::ExamCoordinator],
    ),
    (
        "enrollment@demo.vigil.test",
        "Emil Enrollment",
        &[Role::EnrollmentManager],
    ),
    (
        "reviewer@demo.vigil.test",
        "Rita Reviewer",
        &[Role::ProctorReviewer],
    ),
    ("qa@demo.vigil.test", "Quinn Quality", &[Role::QualityAssurance]),
    ("reports@demo.vigil.test", "Remy Reports", &[Role::ReportViewer]),
    ("candidate@demo.vigil.test", "Cam Candidate", &[Role::Candidate]),
    (
        "author-reviewer@demo.vigil.test",
        "Morgan Multi",
        &[Role::ExamAuthor, Role::ProctorReviewer],
    ),
    (
        "coordinator-enrollment@demo.vigil.test",
        "Jordan Juggler",
        &[Role::ExamCoordinator, Role::EnrollmentManager, Role::ReportViewer],
    ),
];

pub const DEMO_EXAM_TITLE: &str = "Networking Fundamentals — Midterm";

#[derive(Debug, Clone)]
pub struct SeededOrg {
    pub org_id: String,
    pub exam_id: String,
}

/// Seeds the demo organisation unless it exists. Returns its ids either way.
pub async fn seed_demo(pool: &AnyPool) -> Result<SeededOrg, AppError> {
    if let Some(org_id) = db::orgs::org_id_by_slug(pool, DEMO_ORG_SLUG).await? {
        let exam_id: String =
            sqlx::query_scalar("SELECT id FROM exams WHERE org_id = $1 ORDER BY created_at, id LIMIT 1")
                .bind(&org_id)
                .fetch_one(pool)
                .await?;
        return Ok(SeededOrg { org_id, exam_id });
    }
    let seeded = seed_org(
        pool,
        "Demo University",
        DEMO_ORG_SLUG,
        DEMO_USERS,
        DEMO_EXAM_TITLE,
    )
    .await?;
    // Coordinators of the demo enter and read times in the university's zone; candidates see
    // them in their browser's.
    db::orgs::set_time_zone(pool, &seeded.org_id, DEMO_TIME_ZONE).await?;
    seed_practice_exam(pool, &seeded.org_id).await?;
    camera::seed_camera_exams(pool, &seeded).await?;
    Ok(seeded)
}

/// Seeds one organisation with the given users, a bank and an exam open for the next day,
/// with every CANDIDATE enrolled. Used by the demo and by tests that need a second tenant.
pub async fn seed_org(
    pool: &AnyPool,
    name: &str,
    slug: &str,
    users: &[(&str, &str, &[Role])],
    exam_title: &str,
) -> Result<SeededOrg, AppError> {
    let now = now_ms();
    let password_hash = hash_password(DEMO_PASSWORD)?;
    let mut tx = db::begin_write(pool).await?;
    let org_id = new_id();
    db::orgs::insert_org(&mut *tx, &org_id, name, slug, now).await?;
    let dept_id = new_id();
    db::departments::insert(&mut *tx, &dept_id, &org_id, "Computer Science", now).await?;

    let mut candidates = Vec::new();
    let mut author = None;
    for (email, display_name, roles) in users {
        let user_id = match db::users::find_by_email(&mut *tx, email).await? {
            Some(u) => u.id,
            None => {
                let id = new_id();
                db::users::insert(&mut *tx, &id, email, display_name, &password_hash, now).await?;
                id
            }
        };
        db::orgs::add_member(&mut *tx, &org_id, &user_id, Some(&dept_id), now).await?;
        for role in *roles {
            db::orgs::grant_role(&mut *tx, &user_id, &org_id, *role, now).await?;
        }
        if roles.contains(&Role::Candidate) {
            candidates.push(user_id.clone());
        }
        if roles.contains(&Role::ExamAuthor) && author.is_none() {
            author = Some(user_id);
        }
    }

    let bank_id = new_id();
    db::exams::insert_bank(
        &mut *tx,
        &bank_id,
        &org_id,
        "Networking basics",
        "APPROVED",
        author.as_deref(),
        now,
    )
    .await?;
    for (position, q) in demo_questions().iter().enumerate() {
        let id = new_id();
        let q = NewQuestion {
            id: &id,
            bank_id: &bank_id,
            kind: q.0,
            stem: q.1,
            options_json: q.2,
            answer_json: q.3,
            explanation: Some(q.4),
            points: 1,
            position: position as i64,
        };
        db::exams::insert_question(&mut *tx, q.clone(), now).await?;
        crate::server::authoring::legacy::record_version(&mut tx, &q, author.as_deref(), now).await?;
    }

    let exam_id = new_id();
    db::exams::insert(
        &mut *tx,
        NewExam {
            id: &exam_id,
            org_id: &org_id,
            bank_id: &bank_id,
            title: exam_title,
            description: "Ten minutes, three questions. Proctoring is on: tab switches are recorded.",
            status: "ACTIVE",
            opens_at: now - 60 * 60 * 1000,
            closes_at: now + 30 * 24 * 60 * 60 * 1000,
            duration_minutes: 30,
            proctoring_enabled: true,
            sensitivity: "MEDIUM",
            show_results: "ANSWERS",
            randomize: false,
            max_attempts: 1,
            camera: shared::exam_plan::CameraPolicy::Off,
        },
        now,
    )
    .await?;
    for candidate in &candidates {
        db::enrollments::insert(
            &mut *tx,
            &exam_id,
            candidate,
            shared::EnrollmentStatus::Accepted,
            Default::default(),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(SeededOrg { org_id, exam_id })
}

pub const PRACTICE_EXAM_TITLE: &str = "Web Security — Practice Quiz";

/// A second demo exam, unproctored, with every question type, the demo candidate enrolled.
async fn seed_practice_exam(pool: &AnyPool, org_id: &str) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db::begin_write(pool).await?;
    let bank_id = new_id();
    db::exams::insert_bank(&mut *tx, &bank_id, org_id, "Web security", "APPROVED", None, now).await?;
    let questions: [(&str, &str, &str, &str, &str, i64); 4] = [
        (
            "MULTIPLE_CHOICE_MULTI",
            "Which of these headers help protect against cross-site scripting? Choose all that apply.",
            r#"[{"id":"a","text":"Content-Security-Policy"},{"id":"b","text":"X-Content-Type-Options"},{"id":"c","text":"Accept-Language"},{"id":"d","text":"Cache-Control"}]"#,
            r#"["a","b"]"#,
            "CSP limits where scripts load from; nosniff stops content being run as a script.",
            2,
        ),
        (
            "NUMERIC",
            "How many bits are in a 256-bit session token's hexadecimal form divided by 4? (Answer as a number of hex digits.)",
            "[]",
            r#"{"value":64,"tolerance":0}"#,
            "Each hex digit carries 4 bits: 256 / 4 = 64 digits.",
            1,
        ),
        (
            "SHORT_ANSWER",
            "Name the cookie attribute that keeps JavaScript from reading a cookie.",
            "[]",
            r#"["HttpOnly","Http-Only"]"#,
            "HttpOnly cookies are sent with requests but invisible to document.cookie.",
            1,
        ),
        (
            "ESSAY",
            "Explain in a few sentences why passwords are stored as slow, salted hashes.",
            "[]",
            "null",
            "Salts defeat precomputed tables; slowness makes guessing expensive.",
            3,
        ),
    ];
    for (position, (kind, stem, options, answer, explanation, points)) in questions.iter().enumerate() {
        let id = new_id();
        let q = NewQuestion {
            id: &id,
            bank_id: &bank_id,
            kind,
            stem,
            options_json: options,
            answer_json: answer,
            explanation: Some(explanation),
            points: *points,
            position: position as i64,
        };
        db::exams::insert_question(&mut *tx, q.clone(), now).await?;
        crate::server::authoring::legacy::record_version(&mut tx, &q, None, now).await?;
    }
    let exam_id = new_id();
    db::exams::insert(
        &mut *tx,
        NewExam {
            id: &exam_id,
            org_id,
            bank_id: &bank_id,
            title: PRACTICE_EXAM_TITLE,
            description:
                "Practice with every question type. Not proctored; the essay is graded by an instructor.",
            status: "ACTIVE",
            opens_at: now - 60 * 60 * 1000,
            closes_at: now + 30 * 24 * 60 * 60 * 1000,
            duration_minutes: 20,
            proctoring_enabled: false,
            sensitivity: "MEDIUM",
            show_results: "ANSWERS",
            randomize: true,
            max_attempts: 1,
            camera: shared::exam_plan::CameraPolicy::Off,
        },
        now + 1,
    )
    .await?;
    enroll_demo_candidates(&mut tx, &exam_id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Enrolls the demo's candidates (those already created) in `exam_id`, accepted.
async fn enroll_demo_candidates(tx: &mut db::WriteTx, exam_id: &str, now: i64) -> Result<(), AppError> {
    for (email, _, roles) in DEMO_USERS {
        if !roles.contains(&Role::Candidate) {
            continue;
        }
        if let Some(u) = db::users::find_by_email(&mut **tx, email).await? {
            db::enrollments::insert(
                &mut **tx,
                exam_id,
                &u.id,
                shared::EnrollmentStatus::Accepted,
                Default::default(),
                now,
            )
            .await?;
        }
    }
    Ok(())
}

/// (kind, stem, options, answer, explanation)
fn demo_questions() -> [(
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
); 3] {
    [
        (
            "MULTIPLE_CHOICE_SINGLE",
            "Which layer of the OSI model does IP belong to?",
            r#"[{"id":"a","text":"Data link"},{"id":"b","text":"Network"},{"id":"c","text":"Transport"},{"id":"d","text":"Session"}]"#,
            r#"["b"]"#,
            "IP routes packets between networks: layer 3, the network layer.",
        ),
        (
            "TRUE_FALSE",
            "TCP guarantees that bytes arrive in the order they were sent.",
            r#"[{"id":"true","text":"True"},{"id":"false","text":"False"}]"#,
            r#"["true"]"#,
            "TCP numbers every byte and reorders segments before delivering them.",
        ),
        (
            "SHORT_ANSWER",
            "Which well-known port does HTTPS use by default?",
            "[]",
            r#"["443"]"#,
            "HTTPS listens on TCP port 443 unless configured otherwise.",
        ),
    ]
}

pub const LOAD_ORG_SLUG: &str = "load";

/// The email of load-test candidate `i`.
pub fn load_candidate_email(i: usize) -> String {
    format!("load-{i}@load.vigil.test")
}

/// Seeds an organisation for the load generator: `candidates` candidates (password
/// [`DEMO_PASSWORD`]) enrolled in one proctored exam. Adds only the candidates that are
/// missing, so it can be re-run with a larger number.
/// The load-test organisation's reviewer (`vigil seed-load N`).
pub const LOAD_REVIEWER_EMAIL: &str = "load-reviewer@load.vigil.test";

pub async fn seed_load(pool: &AnyPool, candidates: usize) -> Result<SeededOrg, AppError> {
    let seeded = match db::orgs::org_id_by_slug(pool, LOAD_ORG_SLUG).await? {
        Some(org_id) => {
            let exam_id: String =
                sqlx::query_scalar("SELECT id FROM exams WHERE org_id = $1 ORDER BY created_at, id LIMIT 1")
                    .bind(&org_id)
                    .fetch_one(pool)
                    .await?;
            SeededOrg { org_id, exam_id }
        }
        // A reviewer, so the load test can hold reviewers' live streams open.
        None => {
            let reviewer: &[Role] = &[Role::ProctorReviewer];
            let staff = [(LOAD_REVIEWER_EMAIL, "Load Reviewer", reviewer)];
            seed_org(pool, "Load Test", LOAD_ORG_SLUG, &staff, "Load test exam").await?
        }
    };
    // One hash for all: these accounts exist to be signed in by a program, fast.
    let password_hash = hash_password(DEMO_PASSWORD)?;
    let now = now_ms();
    let mut tx = db::begin_write(pool).await?;
    for i in 0..candidates {
        let email = load_candidate_email(i);
        if db::users::find_by_email(&mut *tx, &email).await?.is_some() {
            continue;
        }
        let id = new_id();
        db::users::insert(
            &mut *tx,
            &id,
            &email,
            &format!("Load Candidate {i}"),
            &password_hash,
            now,
        )
        .await?;
        db::orgs::add_member(&mut *tx, &seeded.org_id, &id, None, now).await?;
        db::orgs::grant_role(&mut *tx, &id, &seeded.org_id, Role::Candidate, now).await?;
        db::enrollments::insert(
            &mut *tx,
            &seeded.exam_id,
            &id,
            shared::EnrollmentStatus::Accepted,
            Default::default(),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(seeded)
}
