//! `vigil seed-report [attempts] [questions]`: an exam at scale for the report benchmark
//! (`bench/report.sh`). One organisation ("Report Scale"), one exam of `questions` single-choice
//! questions (default 50) and `attempts` candidates (default 10,000) who each submitted once.
//! Deterministic: candidate `u` answers question `q` right when a fixed hash of both falls below
//! a chance that grows with the candidate's ability and shrinks with the question's difficulty,
//! so the statistics look like a real exam's and compare across runs and backends.

use super::db::{self, exams::NewQuestion};
use super::demo::{seed_org, DEMO_PASSWORD};
use super::{auth::hash_password, new_id, now_ms};
use crate::error::AppError;
use shared::Role;
use sqlx::AnyPool;

pub const REPORT_SCALE_SLUG: &str = "report-scale";
pub const REPORT_SCALE_VIEWER: &str = "reports@report-scale.vigil.test";
/// Rows per multi-row insert (SQLite takes at most 32,766 bound values per statement).
const ROWS_PER_INSERT: usize = 500;

/// What was seeded, for the benchmark to look up.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub exam_id: String,
    pub attempts: usize,
    pub questions: usize,
}

/// A value of a seeded row.
enum Cell {
    Text(String),
    Int(i64),
    Real(f64),
}

/// Inserts `rows` into `table` a batch at a time.
async fn insert_rows(
    tx: &mut sqlx::AnyConnection,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Cell>>,
) -> Result<(), AppError> {
    for batch in rows.chunks(ROWS_PER_INSERT) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (r, _) in batch.iter().enumerate() {
            if r > 0 {
                sql.push_str(", ");
            }
            let marks: Vec<String> = columns
                .iter()
                .map(|_| {
                    n += 1;
                    format!("${n}")
                })
                .collect();
            sql.push_str(&format!("({})", marks.join(", ")));
        }
        let mut q = sqlx::query(&sql);
        for row in batch {
            for cell in row {
                q = match cell {
                    Cell::Text(s) => q.bind(s.clone()),
                    Cell::Int(i) => q.bind(*i),
                    Cell::Real(f) => q.bind(*f),
                };
            }
        }
        q.execute(&mut *tx).await?;
    }
    Ok(())
}

/// Whether candidate `u` answers question `q` of `questions` right.
fn right(u: usize, q: usize, questions: usize) -> bool {
    let ability = (u.wrapping_mul(7919) % 1000) as f64 / 1000.0;
    let difficulty = q as f64 / questions.max(1) as f64;
    let chance = (0.35 + 0.6 * ability - 0.35 * difficulty).clamp(0.02, 0.98);
    let h = (u.wrapping_mul(2_654_435_761) ^ q.wrapping_mul(40_503)) % 10_000;
    (h as f64 / 10_000.0) < chance
}

pub async fn seed_report(pool: &AnyPool, attempts: usize, questions: usize) -> Result<Seeded, AppError> {
    if db::orgs::org_id_by_slug(pool, REPORT_SCALE_SLUG).await?.is_some() {
        return Err(AppError::Conflict(
            "The report-scale data is already seeded in this database; use a fresh one.".into(),
        ));
    }
    let viewer: &[(&str, &str, &[Role])] = &[(REPORT_SCALE_VIEWER, "Scale Reports", &[Role::ReportViewer])];
    let org = seed_org(
        pool,
        "Report Scale",
        REPORT_SCALE_SLUG,
        viewer,
        "Scale report exam",
    )
    .await?;
    let exam = db::exams::find(pool, &org.exam_id)
        .await?
        .ok_or(AppError::Internal)?;
    let now = now_ms();
    let password_hash = hash_password(DEMO_PASSWORD)?;

    let mut tx = db::begin_write(pool).await?;
    let mut question_ids = Vec::with_capacity(questions);
    for q in 0..questions {
        let id = new_id();
        let stem = format!("Scale question {}", q + 1);
        let new = NewQuestion {
            id: &id,
            bank_id: &exam.bank_id,
            kind: "MULTIPLE_CHOICE_SINGLE",
            stem: &stem,
            options_json: r#"[{"id":"a","text":"Right"},{"id":"b","text":"Wrong"},{"id":"c","text":"Also wrong"}]"#,
            answer_json: r#"["a"]"#,
            explanation: None,
            points: 1,
            position: 100 + q as i64,
        };
        db::exams::insert_question(&mut *tx, new.clone(), now).await?;
        super::authoring::legacy::record_version(&mut tx, &new, None, now).await?;
        question_ids.push(id);
    }
    tx.commit().await?;
    let mut versions = Vec::with_capacity(questions);
    for q in &question_ids {
        let v: String = sqlx::query_scalar("SELECT id FROM question_versions WHERE question_id = $1")
            .bind(q)
            .fetch_one(pool)
            .await?;
        versions.push(v);
    }

    let base = now - 7 * 24 * 3_600_000;
    let mut users = Vec::new();
    let mut members = Vec::new();
    let mut roles = Vec::new();
    let mut enrollments = Vec::new();
    let mut sessions = Vec::new();
    let mut asked = Vec::new();
    let mut answers = Vec::new();
    for u in 0..attempts {
        let (user, enrollment, session) = (new_id(), new_id(), new_id());
        users.push(vec![
            Cell::Text(user.clone()),
            Cell::Text(format!("scale-{u}@report-scale.vigil.test")),
            Cell::Text(format!("Scale Candidate {u}")),
            Cell::Text(password_hash.clone()),
            Cell::Int(now),
            Cell::Int(now),
        ]);
        members.push(vec![
            Cell::Text(org.org_id.clone()),
            Cell::Text(user.clone()),
            Cell::Int(now),
        ]);
        roles.push(vec![
            Cell::Text(new_id()),
            Cell::Text(user.clone()),
            Cell::Text(org.org_id.clone()),
            Cell::Text(Role::Candidate.as_str().into()),
            Cell::Int(now),
        ]);
        enrollments.push(vec![
            Cell::Text(enrollment.clone()),
            Cell::Text(exam.id.clone()),
            Cell::Text(user.clone()),
            Cell::Text("COMPLETED".into()),
            Cell::Int(now),
        ]);
        let mut score = 0.0;
        for (q, (question, version)) in question_ids.iter().zip(&versions).enumerate() {
            let points = if right(u, q, questions) { 1.0 } else { 0.0 };
            score += points;
            asked.push(vec![
                Cell::Text(session.clone()),
                Cell::Int(q as i64),
                Cell::Text(question.clone()),
                Cell::Text(version.clone()),
            ]);
            answers.push(vec![
                Cell::Text(new_id()),
                Cell::Text(session.clone()),
                Cell::Text(question.clone()),
                Cell::Text(if points > 0.0 { r#"["a"]"# } else { r#"["b"]"# }.into()),
                Cell::Int(1),
                Cell::Int(now),
                Cell::Real(points),
            ]);
        }
        let started = base + u as i64 * 30_000;
        let max = questions as f64;
        sessions.push(vec![
            Cell::Text(session),
            Cell::Text(exam.id.clone()),
            Cell::Text(enrollment),
            Cell::Text(user),
            Cell::Int(1),
            Cell::Text("COMPLETED".into()),
            Cell::Int(started),
            Cell::Int(started + 60 * 60_000),
            Cell::Int(started + (10 + (u % 40) as i64) * 60_000),
            Cell::Real(score),
            Cell::Real(max),
            Cell::Int(i64::from(
                100.0 * score / max.max(1.0) >= exam.passing_score as f64,
            )),
            Cell::Text(org.org_id.clone()),
        ]);
    }
    let mut tx = db::begin_write(pool).await?;
    let cols = [
        "id",
        "email",
        "display_name",
        "password_hash",
        "created_at",
        "email_verified_at",
    ];
    insert_rows(&mut tx, "users", &cols, users).await?;
    let cols = ["org_id", "user_id", "created_at"];
    insert_rows(&mut tx, "organization_members", &cols, members).await?;
    let cols = ["id", "user_id", "org_id", "role", "created_at"];
    insert_rows(&mut tx, "user_roles", &cols, roles).await?;
    let cols = ["id", "exam_id", "user_id", "status", "created_at"];
    insert_rows(&mut tx, "enrollments", &cols, enrollments).await?;
    let cols = [
        "id",
        "exam_id",
        "enrollment_id",
        "user_id",
        "attempt_no",
        "status",
        "started_at",
        "deadline_at",
        "submitted_at",
        "score",
        "max_score",
        "passed",
        "org_id",
    ];
    insert_rows(&mut tx, "exam_sessions", &cols, sessions).await?;
    let cols = ["session_id", "position", "question_id", "version_id"];
    insert_rows(&mut tx, "attempt_questions", &cols, asked).await?;
    let cols = [
        "id",
        "session_id",
        "question_id",
        "value_json",
        "version",
        "updated_at",
        "points_awarded",
    ];
    insert_rows(&mut tx, "answers", &cols, answers).await?;
    tx.commit().await?;
    Ok(Seeded {
        exam_id: exam.id,
        attempts,
        questions,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn abler_candidates_and_easier_questions_score_more() {
        let share = |us: std::ops::Range<usize>, qs: std::ops::Range<usize>| {
            let (mut right, mut all) = (0, 0);
            for u in us {
                for q in qs.clone() {
                    all += 1;
                    right += usize::from(super::right(u, q, 50));
                }
            }
            right as f64 / all as f64
        };
        assert!(share(0..2000, 0..10) > share(0..2000, 40..50));
    }
}
