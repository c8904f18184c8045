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

/// `%`, `_` and `\` in a search typed by a person match themselves.
fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The WHERE clause shared by the page and the counts: sessions of the caller's organisations
/// that have a flag, or whose exam withholds results until review and that were submitted.
fn filtered(q: &QueueQuery<'_>, with_state: bool) -> Sql {
    let mut sql = Sql {
        text: String::new(),
        binds: Vec::new(),
    };
    let orgs: Vec<String> = q
        .org_ids
        .iter()
        .map(|o| sql.param(Bind::Text(o.clone())))
        .collect();
    let mut text = format!(
        "WHERE e.org_id IN ({}) AND (s.flag_count > 0 OR (e.withhold_results = 1 AND s.submitted_at IS NOT NULL))",
        orgs.join(",")
    );
    if let Some(exam) = q.exam_id {
        text += &format!(" AND s.exam_id = {}", sql.param(Bind::Text(exam.into())));
    }
    if with_state {
        if let Some(state) = q.review_state {
            text += &format!(" AND s.review_state = {}", sql.param(Bind::Text(state.into())));
        }
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
        let p = sql.param(Bind::Text(like_pattern(email)));
        text += &format!(" AND LOWER(u.email) LIKE {p} ESCAPE '\\'");
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
    let mut sql = filtered(q, true);
    if let Some((risk, id)) = q.after {
        let r = sql.param(Bind::Int(risk));
        let i = sql.param(Bind::Text(id.into()));
        sql.text += &format!(" AND (s.risk_score < {r} OR (s.risk_score = {r} AND s.id < {i}))");
    }
    let limit = sql.param(Bind::Int(q.limit));
    let text = format!(
        "SELECT {COLUMNS} {FROM} {} ORDER BY s.risk_score DESC, s.id DESC LIMIT {limit}",
        sql.text
    );
    bind_all(sqlx::query_as(&text), sql.binds).fetch_all(db).await
}

/// How many sessions the queue's filters (all but the outcome state) hold in each state.
pub async fn counts_by_state<'e>(
    db: impl AnyExecutor<'e>,
    q: &QueueQuery<'_>,
) -> sqlx::Result<Vec<(String, i64)>> {
    let sql = filtered(q, false);
    let text = format!(
        "SELECT s.review_state, COUNT(*) {FROM} {} GROUP BY s.review_state",
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
    pub submitted_at: Option<i64>,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub review_state: String,
}

/// Every attempt at an exam, for the staff's CSV.
pub async fn for_export<'e>(db: impl AnyExecutor<'e>, exam_id: &str) -> sqlx::Result<Vec<ExportRow>> {
    sqlx::query_as(
        "SELECT s.id, u.display_name AS candidate_name, u.email AS candidate_email, s.attempt_no, \
         s.submitted_at, s.score, s.max_score, s.review_state FROM exam_sessions s \
         JOIN users u ON u.id = s.user_id WHERE s.exam_id = $1 ORDER BY u.email, s.attempt_no",
    )
    .bind(exam_id)
    .fetch_all(db)
    .await
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn search_wildcards_match_themselves() {
        assert_eq!(like_pattern("a_b%c\\"), "%a\\_b\\%c\\\\%");
    }
}
