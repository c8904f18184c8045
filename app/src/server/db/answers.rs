//! `answers`: autosaved per session and question, versioned so an older save never wins.

use sqlx::{AnyExecutor, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct AnswerRow {
    pub question_id: String,
    pub value_json: String,
    pub version: i64,
    /// Marked for review by the candidate (0/1).
    pub marked: i64,
}

pub async fn for_session<'e>(db: impl AnyExecutor<'e>, session_id: &str) -> sqlx::Result<Vec<AnswerRow>> {
    sqlx::query_as("SELECT question_id, value_json, version, marked FROM answers WHERE session_id = $1")
        .bind(session_id)
        .fetch_all(db)
        .await
}

/// One answer for [`upsert_many`].
#[derive(Debug, Clone, Copy)]
pub struct NewAnswer<'a> {
    pub session_id: &'a str,
    pub question_id: &'a str,
    pub value_json: &'a str,
    pub version: i64,
    pub now: i64,
}

/// Answers stored in one statement (each is six parameters).
const UPSERT_CHUNK: usize = 100;

/// Stores answers, a few statements for many: each unless a save with an equal or higher
/// version is already there. A (session, question) may appear only once (one
/// statement cannot change a row twice).
pub async fn upsert_many(conn: &mut sqlx::AnyConnection, rows: &[NewAnswer<'_>]) -> sqlx::Result<()> {
    for chunk in rows.chunks(UPSERT_CHUNK) {
        let values: Vec<String> = (0..chunk.len())
            .map(|k| {
                let p = 6 * k;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${})",
                    p + 1,
                    p + 2,
                    p + 3,
                    p + 4,
                    p + 5,
                    p + 6
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO answers (id, session_id, question_id, value_json, version, updated_at) \
             VALUES {} \
             ON CONFLICT (session_id, question_id) DO UPDATE SET value_json = excluded.value_json, \
             version = excluded.version, updated_at = excluded.updated_at WHERE answers.version < excluded.version",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for r in chunk {
            query = query
                .bind(crate::server::new_id())
                .bind(r.session_id)
                .bind(r.question_id)
                .bind(r.value_json)
                .bind(r.version)
                .bind(r.now);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Questions scored in one statement (each question is two parameters).
const POINTS_CHUNK: usize = 250;

/// Sets the points of several answered questions of a session: one statement for up to
/// [`POINTS_CHUNK`] questions, because a hand-in runs inside the write transaction and, on
/// SQLite, each statement is a round trip to the one writing connection while every other
/// writer waits (an exam of 40 questions was 40 of them).
pub async fn set_points(
    conn: &mut sqlx::AnyConnection,
    session_id: &str,
    points: &[(&str, f64)],
) -> sqlx::Result<()> {
    for chunk in points.chunks(POINTS_CHUNK) {
        // $1 is the session; question k is $(2k+2), its points $(2k+3).
        let mut cases = String::new();
        let mut ids = Vec::with_capacity(chunk.len());
        for k in 0..chunk.len() {
            let q = 2 * k + 2;
            cases.push_str(&format!(" WHEN ${q} THEN ${}", q + 1));
            ids.push(format!("${q}"));
        }
        let sql = format!(
            "UPDATE answers SET points_awarded = CASE question_id{cases} END \
             WHERE session_id = $1 AND question_id IN ({})",
            ids.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(session_id);
        for (question_id, p) in chunk {
            query = query.bind(*question_id).bind(*p);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Marks or unmarks a question for review. A question not answered yet gets a row holding no
/// answer (version 0), which the first real save replaces.
pub async fn set_mark<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
    question_id: &str,
    marked: bool,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO answers (id, session_id, question_id, value_json, version, updated_at, marked) \
         VALUES ($1, $2, $3, 'null', 0, $4, $5) \
         ON CONFLICT (session_id, question_id) DO UPDATE SET marked = excluded.marked",
    )
    .bind(crate::server::new_id())
    .bind(session_id)
    .bind(question_id)
    .bind(now)
    .bind(i64::from(marked))
    .execute(db)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, FromRow)]
pub struct GradeOfAnswer {
    pub question_id: String,
    pub points_awarded: Option<f64>,
    pub feedback: Option<String>,
}

/// Points awarded and feedback given for every answer in the session.
pub async fn grades_for_session<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
) -> sqlx::Result<Vec<GradeOfAnswer>> {
    sqlx::query_as("SELECT question_id, points_awarded, feedback FROM answers WHERE session_id = $1")
        .bind(session_id)
        .fetch_all(db)
        .await
}

/// Records a person's points and feedback for one question of a submitted attempt. A question
/// the candidate left blank gets a row holding no answer, so its grade has a place.
pub async fn set_grade<'e>(
    db: impl AnyExecutor<'e>,
    session_id: &str,
    question_id: &str,
    points: f64,
    feedback: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO answers (id, session_id, question_id, value_json, version, updated_at, points_awarded, feedback) \
         VALUES ($1, $2, $3, 'null', 0, $4, $5, $6) \
         ON CONFLICT (session_id, question_id) DO UPDATE SET points_awarded = excluded.points_awarded, \
         feedback = excluded.feedback",
    )
    .bind(crate::server::new_id())
    .bind(session_id)
    .bind(question_id)
    .bind(now)
    .bind(points)
    .bind(feedback)
    .execute(db)
    .await
    .map(|_| ())
}
