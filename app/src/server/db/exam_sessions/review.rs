//! The review columns of `exam_sessions` (outcome, claim, first reviewer) and the reviewers'
//! queue. Every change is an UPDATE conditional on the state it was decided from, so two
//! reviewers acting at once cannot both win: the loser's write changes no row.

use sqlx::{AnyExecutor, FromRow};

/// A session as reviewers see it.
#[derive(Debug, Clone, FromRow)]
pub struct ReviewRow {
    pub id: String,
    pub org_id: String,
    pub exam_id: String,
    pub exam_title: String,
    pub candidate_name: String,
    pub candidate_email: String,
    pub status: String,
    pub risk_score: i64,
    pub started_at: i64,
    pub submitted_at: Option<i64>,
    pub deadline_at: i64,
    pub review_state: String,
    pub claimed_by: Option<String>,
    pub claimed_by_name: Option<String>,
    pub claimed_at: Option<i64>,
    pub first_reviewer: Option<String>,
    pub flag_count: i64,
    pub relaxations_json: String,
}

const COLUMNS: &str = "s.id, e.org_id, s.exam_id, e.title AS exam_title, u.display_name AS candidate_name, \
     u.email AS candidate_email, s.status, s.risk_score, s.started_at, s.submitted_at, s.deadline_at, \
     s.review_state, s.claimed_by, c.display_name AS claimed_by_name, s.claimed_at, s.first_reviewer, \
     s.flag_count, n.relaxations_json";

const FROM: &str = "FROM exam_sessions s JOIN exams e ON e.id = s.exam_id JOIN users u ON u.id = s.user_id \
     JOIN enrollments n ON n.id = s.enrollment_id LEFT JOIN users c ON c.id = s.claimed_by";

/// [`FROM`] starting from the candidates (the WHERE clause joins `s.user_id = u.id`).
const FROM_USERS_FIRST: &str = "FROM users u CROSS JOIN exam_sessions s JOIN exams e ON e.id = s.exam_id \
     JOIN enrollments n ON n.id = s.enrollment_id LEFT JOIN users c ON c.id = s.claimed_by";

pub async fn find<'e>(db: impl AnyExecutor<'e>, id: &str) -> sqlx::Result<Option<ReviewRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} {FROM} WHERE s.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Claims the session for `me`: from NOT_REVIEWED, or IN_REVIEW when the claim is mine or
/// lapsed (last touched at or before `lapsed_before`).
pub async fn claim<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    me: &str,
    now: i64,
    lapsed_before: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE exam_sessions SET review_state = 'IN_REVIEW', claimed_by = $2, claimed_at = $3 \
         WHERE id = $1 AND (review_state = 'NOT_REVIEWED' OR (review_state = 'IN_REVIEW' AND \
         (claimed_by IS NULL OR claimed_by = $2 OR claimed_at <= $4)))",
    )
    .bind(id)
    .bind(me)
    .bind(now)
    .bind(lapsed_before)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives up `me`'s live claim.
pub async fn release<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    me: &str,
    lapsed_before: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE exam_sessions SET review_state = 'NOT_REVIEWED', claimed_by = NULL, claimed_at = NULL \
         WHERE id = $1 AND review_state = 'IN_REVIEW' AND claimed_by = $2 AND claimed_at > $3",
    )
    .bind(id)
    .bind(me)
    .bind(lapsed_before)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The first review's decision, by the holder of a live claim.
pub async fn decide<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    me: &str,
    to: &str,
    now: i64,
    lapsed_before: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE exam_sessions SET review_state = $3, first_reviewer = $2, reviewed_at = $4, \
         claimed_by = NULL, claimed_at = NULL \
         WHERE id = $1 AND review_state = 'IN_REVIEW' AND claimed_by = $2 AND claimed_at > $5",
    )
    .bind(id)
    .bind(me)
    .bind(to)
    .bind(now)
    .bind(lapsed_before)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The second review of a SUSPICIOUS session, never by its first reviewer.
pub async fn second_review<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    me: &str,
    to: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE exam_sessions SET review_state = $3, reviewed_at = $4 WHERE id = $1 \
         AND review_state = 'SUSPICIOUS' AND (first_reviewer IS NULL OR first_reviewer <> $2)",
    )
    .bind(id)
    .bind(me)
    .bind(to)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Reopens a decided session (still in state `from`) for a fresh review.
pub async fn reopen<'e>(db: impl AnyExecutor<'e>, id: &str, from: &str) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE exam_sessions SET review_state = 'NOT_REVIEWED', claimed_by = NULL, claimed_at = NULL, \
         first_reviewer = NULL, reviewed_at = NULL WHERE id = $1 AND review_state = $2",
    )
    .bind(id)
    .bind(from)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Holds the session for a decision on one of its flags: succeeds only while the session is
/// undecided and not claimed by someone else (a lapsed claim does not count); refreshes
/// `me`'s claim, so a reviewer at work does not lose it.
pub async fn hold_for_flag_decision<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    me: &str,
    now: i64,
    lapsed_before: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE exam_sessions SET claimed_at = CASE WHEN claimed_by = $2 THEN $3 ELSE claimed_at END \
         WHERE id = $1 AND review_state IN ('NOT_REVIEWED', 'IN_REVIEW') \
         AND (claimed_by IS NULL OR claimed_by = $2 OR claimed_at <= $4)",
    )
    .bind(id)
    .bind(me)
    .bind(now)
    .bind(lapsed_before)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// After an exam's "withhold results" setting changed: its submitted sessions wait for a
/// person when it is on; otherwise only the flagged ones do.
pub async fn requeue_exam<'e>(db: impl AnyExecutor<'e>, exam_id: &str, withhold: bool) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE exam_sessions SET in_queue = CASE WHEN flag_count > 0 OR ($2 = 1 AND submitted_at IS NOT NULL) \
         THEN 1 ELSE 0 END WHERE exam_id = $1",
    )
    .bind(exam_id)
    .bind(i64::from(withhold))
    .execute(db)
    .await
    .map(|_| ())
}

/// Claim filter of the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimFilter {
    Any,
    Mine,
    Unclaimed,
}

/// What the queue is narrowed to. Organisation ids come from the caller's roles, never from
/// the request.
#[derive(Debug, Clone)]
pub struct QueueQuery<'a> {
    pub org_ids: &'a [String],
    pub me: &'a str,
    pub now: i64,
    pub lapsed_before: i64,
    pub exam_id: Option<&'a str>,
    pub review_state: Option<&'a str>,
    pub flag_type: Option<&'a str>,
    pub severity: Option<&'a str>,
    pub claim: ClaimFilter,
    /// Lower-case text the candidate's email contains.
    pub email: Option<&'a str>,
    /// Keyset: the (risk score, id) of the last row of the previous page.
    pub after: Option<(i64, &'a str)>,
    pub limit: i64,
}

/// A query under construction: SQL text and the values bound to its `$n` placeholders.
struct Sql {
    text: String,
    binds: Vec<Bind>,
}

enum Bind {
    Text(String),
    Int(i64),
}

impl Sql {
    fn param(&mut self, b: Bind) -> String {
        self.binds.push(b);
        format!("${}", self.binds.len())
    }
}

/// The WHERE clause shared by the page and the counts: the caller's organisations' sessions
/// that wait in the queue (`in_queue`: flagged, or submitted to an exam that withholds results),
/// of the chosen exam. The page narrows it further with [`narrowed`].
fn filtered(q: &QueueQuery<'_>) -> Sql {
    let mut sql = Sql {
        text: String::new(),
        binds: Vec::new(),
    };
    let orgs: Vec<String> = q
        .org_ids
        .iter()
        .map(|o| sql.param(Bind::Text(o.clone())))
        .collect();
    let mut text = if orgs.len() == 1 {
        format!("WHERE s.org_id = {} AND s.in_queue = 1", orgs[0])
    } else {
        format!("WHERE s.org_id IN ({}) AND s.in_queue = 1", orgs.join(","))
    };
    if let Some(exam) = q.exam_id {
        text += &format!(" AND s.exam_id = {}", sql.param(Bind::Text(exam.into())));
    }
    sql.text = text;
    sql
}

/// [`filtered`], narrowed by the outcome state, flag type, severity, claim and email filters.
fn narrowed(q: &QueueQuery<'_>) -> Sql {
    let mut sql = filtered(q);
    let mut text = std::mem::take(&mut sql.text);
    if let Some(state) = q.review_state {
        text += &format!(" AND s.review_state = {}", sql.param(Bind::Text(state.into())));
    }
    if q.flag_type.is_some() || q.severity.is_some() {
        text += " AND EXISTS (SELECT 1 FROM flags f WHERE f.session_id = s.id AND f.status <> 'DISMISSED'";
        if let Some(t) = q.flag_type {
            text += &format!(" AND f.flag_type = {}", sql.param(Bind::Text(t.into())));
        }
        if let Some(sev) = q.severity {
            text += &format!(" AND f.severity = {}", sql.param(Bind::Text(sev.into())));
        }
        text += ")";
    }
    match q.claim {
        ClaimFilter::Any => {}
        ClaimFilter::Mine => {
            let me = sql.param(Bind::Text(q.me.into()));
            let lapse = sql.param(Bind::Int(q.lapsed_before));
            text += &format!(" AND s.claimed_by = {me} AND s.claimed_at > {lapse}");
        }
        ClaimFilter::Unclaimed => {
            let lapse = sql.param(Bind::Int(q.lapsed_before));
            text += &format!(" AND (s.claimed_by IS NULL OR s.claimed_at <= {lapse})");
        }
    }
    if let Some(email) = q.email {
        let p = sql.param(Bind::Text(crate::server::db::like_contains(email)));
        text += &format!(" AND s.user_id = u.id AND LOWER(u.email) LIKE {p} ESCAPE '\\'");
    }
    sql.text = text;
    sql
}

fn bind_all<'q, O>(
    mut query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    binds: Vec<Bind>,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    for b in binds {
        query = match b {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    query
}

/// One page of the queue, riskiest first (ties: newest id first), after the keyset cursor.
pub async fn queue<'e>(db: impl AnyExecutor<'e>, q: &QueueQuery<'_>) -> sqlx::Result<Vec<ReviewRow>> {
    let mut sql = narrowed(q);
    if let Some((risk, id)) = q.after {
        let r = sql.param(Bind::Int(risk));
        let i = sql.param(Bind::Text(id.into()));
        sql.text += &format!(" AND (s.risk_score < {r} OR (s.risk_score = {r} AND s.id < {i}))");
    }
    let limit = sql.param(Bind::Int(q.limit));
    // An email search starts from the few matching users (SQLite keeps a CROSS JOIN's order;
    // PostgreSQL plans it as any join), instead of walking the whole queue in risk order.
    let from = if q.email.is_some() { FROM_USERS_FIRST } else { FROM };
    let text = format!(
        "SELECT {COLUMNS} {from} {} ORDER BY s.risk_score DESC, s.id DESC LIMIT {limit}",
        sql.text
    );
    bind_all(sqlx::query_as(&text), sql.binds).fetch_all(db).await
}

/// How many sessions of the queue (of the chosen exam) are in each outcome state: read from
/// the queue's index alone, whatever the other filters.
pub async fn counts_by_state<'e>(
    db: impl AnyExecutor<'e>,
    q: &QueueQuery<'_>,
) -> sqlx::Result<Vec<(String, i64)>> {
    let sql = filtered(q);
    let text = format!(
        "SELECT s.review_state, COUNT(*) FROM exam_sessions s {} GROUP BY s.review_state",
        sql.text
    );
    bind_all(sqlx::query_as(&text), sql.binds).fetch_all(db).await
}

#[derive(Debug, Clone, FromRow)]
pub struct ExportRow {
    pub id: String,
    pub candidate_name: String,
    pub candidate_email: String,
    pub attempt_no: i64,
    pub started_at: i64,
    pub submitted_at: Option<i64>,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub passed: Option<i64>,
    pub review_state: String,
}

/// Every attempt at an exam, for the staff's CSV.
pub async fn for_export<'e>(db: impl AnyExecutor<'e>, exam_id: &str) -> sqlx::Result<Vec<ExportRow>> {
    sqlx::query_as(
        "SELECT s.id, u.display_name AS candidate_name, u.email AS candidate_email, s.attempt_no, \
         s.started_at, s.submitted_at, s.score, s.max_score, s.passed, s.review_state FROM exam_sessions s \
         JOIN users u ON u.id = s.user_id WHERE s.exam_id = $1 ORDER BY u.email, s.attempt_no",
    )
    .bind(exam_id)
    .fetch_all(db)
    .await
}

/// A seeded attempt's submission, risk and review outcome (`vigil seed-review` only).
pub struct SeedOutcome<'a> {
    pub id: &'a str,
    pub submitted_at: i64,
    pub risk_score: i64,
    pub flag_count: i64,
    pub review_state: &'a str,
    /// The reviewer who claimed or decided it, where the state says one did.
    pub reviewer: Option<&'a str>,
    pub at: i64,
}

pub async fn seed_outcome<'e>(db: impl AnyExecutor<'e>, s: &SeedOutcome<'_>) -> sqlx::Result<()> {
    let in_review = s.review_state == "IN_REVIEW";
    sqlx::query(
        "UPDATE exam_sessions SET status = 'COMPLETED', submitted_at = $2, risk_score = $3, flag_count = $4, \
         in_queue = CASE WHEN $4 > 0 THEN 1 ELSE 0 END, review_state = $5, claimed_by = $6, claimed_at = $7, \
         first_reviewer = $8, reviewed_at = $9 WHERE id = $1",
    )
    .bind(s.id)
    .bind(s.submitted_at)
    .bind(s.risk_score)
    .bind(s.flag_count)
    .bind(s.review_state)
    .bind(if in_review { s.reviewer } else { None })
    .bind(in_review.then_some(s.at))
    .bind(if in_review { None } else { s.reviewer })
    .bind((!in_review && s.reviewer.is_some()).then_some(s.at))
    .execute(db)
    .await
    .map(|_| ())
}
