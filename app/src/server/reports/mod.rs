//! An exam's report for its staff (report viewers, coordinators, admins of its organisation):
//! how many started and submitted, the distribution of scores and of time used, the pass rate,
//! flags by type with what reviewers decided, and the item analysis of every question. The
//! arithmetic is `shared::statistics`; this module reads the exam and picks the attempts.

mod bank;
mod items;

pub use bank::{bank_usage, usage_of};

use super::db::{self, reports as store};
use super::{auth, guard, AppState};
use crate::error::AppError;
use crate::model::reports::{
    AttemptLine, AttemptMatches, DepartmentChoice, Distribution, ExamReport, FlagRate, ReportFilter,
    ReportableExam,
};
use crate::model::GradingSheet;
use shared::roles::REPORT_READERS;
use shared::statistics::{self, AttemptChoice};
use shared::{FlagStatus, FlagType, ReviewState};
use std::collections::{BTreeMap, HashSet};

const SCORE_BINS: usize = 10;
const MINUTE_BINS: usize = 12;

pub async fn reportable(state: &AppState) -> Result<Vec<ReportableExam>, AppError> {
    let user = auth::current_user(state).await?;
    Ok(store::reportable(&state.pool, &user.id)
        .await?
        .into_iter()
        .map(|r| ReportableExam {
            exam_id: r.id,
            title: r.title,
            org_name: r.org_name,
            closes_at: r.closes_at,
            submitted: r.submitted,
        })
        .collect())
}

/// Which scored attempts count: per candidate their first, highest or last, or all of them.
fn chosen(attempts: &[store::AttemptRow], choice: AttemptChoice) -> Vec<&store::AttemptRow> {
    let scored = attempts
        .iter()
        .filter(|a| a.status == "COMPLETED" && percent(a).is_some());
    if choice == AttemptChoice::All {
        return scored.collect();
    }
    let mut best: BTreeMap<&str, &store::AttemptRow> = BTreeMap::new();
    for a in scored {
        let keep = match best.get(a.user_id.as_str()) {
            None => true,
            Some(held) => match choice {
                AttemptChoice::First => a.attempt_no < held.attempt_no,
                AttemptChoice::Last => a.attempt_no > held.attempt_no,
                // The higher score; the earlier attempt on a tie.
                _ => {
                    percent(a) > percent(held)
                        || (percent(a) == percent(held) && a.attempt_no < held.attempt_no)
                }
            },
        };
        if keep {
            best.insert(&a.user_id, a);
        }
    }
    best.into_values().collect()
}

fn percent(a: &store::AttemptRow) -> Option<f64> {
    share(a.score, a.max_score)
}

/// A score as a percentage of its maximum, where both are known.
fn share(score: Option<f64>, max: Option<f64>) -> Option<f64> {
    match (score, max) {
        (Some(s), Some(m)) if m > 0.0 => Some(100.0 * s / m),
        _ => None,
    }
}

fn distribution(values: &[f64], from: f64, to: f64, bins: usize) -> Distribution {
    Distribution {
        from,
        width: (to - from) / bins as f64,
        counts: statistics::histogram(values, from, to, bins),
    }
}

pub async fn exam_report(
    state: &AppState,
    exam_id: &str,
    filter: &ReportFilter,
) -> Result<ExamReport, AppError> {
    let exam = readable_exam(state, exam_id).await?;
    compute(&state.pool, exam, filter).await
}

/// The exam, if the signed-in caller reads reports in its organisation.
async fn readable_exam(state: &AppState, exam_id: &str) -> Result<db::exams::ExamRow, AppError> {
    let user = auth::current_user(state).await?;
    let exam = db::exams::find(&state.pool, exam_id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such exam.".into()))?;
    guard::check(state, user, &exam.org_id, REPORT_READERS).await?;
    Ok(exam)
}

/// Longest search for a candidate's attempts, in characters; at most this many are listed.
const MAX_SEARCH_CHARS: usize = 200;
const LISTED_ATTEMPTS: usize = 50;

/// Submitted attempts of the exam whose candidate's name or email holds `search`, for its
/// report readers to open an attempt's answers.
pub async fn find_attempts(
    state: &AppState,
    exam_id: &str,
    search: &str,
) -> Result<AttemptMatches, AppError> {
    let search = search.trim();
    if search.chars().count() > MAX_SEARCH_CHARS {
        return Err(AppError::Invalid(format!(
            "Search with at most {MAX_SEARCH_CHARS} characters."
        )));
    }
    let exam = readable_exam(state, exam_id).await?;
    let pattern = db::like_contains(&search.to_lowercase());
    let mut rows = store::submitted(&state.pool, &exam.id, &pattern, LISTED_ATTEMPTS as i64 + 1).await?;
    let more = rows.len() > LISTED_ATTEMPTS;
    rows.truncate(LISTED_ATTEMPTS);
    Ok(AttemptMatches {
        lines: rows
            .into_iter()
            .map(|r| AttemptLine {
                percent: share(r.score, r.max_score),
                passed: r.passed.map(|p| p != 0),
                session_id: r.session_id,
                candidate: r.display_name,
                email: r.email,
                attempt_no: r.attempt_no,
                submitted_at: r.submitted_at,
            })
            .collect(),
        more,
    })
}

/// A submitted attempt's questions with the candidate's answers and marks, for the exam's
/// report readers to read or print.
pub async fn answer_sheet(state: &AppState, session_id: &str) -> Result<GradingSheet, AppError> {
    let (session, exam, _) = super::grading::submitted_attempt(state, session_id, REPORT_READERS).await?;
    super::grading::sheet_of(state, session, exam).await
}

/// The filter's bounds in the organisation's terms: its department (refused unless the
/// organisation has it) and the first and the last instant of its days (UTC ms, end exclusive).
struct Bounds {
    department: Option<String>,
    from: Option<i64>,
    until: Option<i64>,
}

async fn bounds(
    pool: &sqlx::AnyPool,
    exam: &db::exams::ExamRow,
    filter: &ReportFilter,
) -> Result<Bounds, AppError> {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
    };
    let department = given(&filter.department);
    if let Some(d) = &department {
        if d.len() > 64 || !db::departments::exists(pool, &exam.org_id, d).await? {
            return Err(AppError::Invalid(
                "That department is not one of this organisation's.".into(),
            ));
        }
    }
    let zone = db::exams::org_time_zone(pool, &exam.org_id).await?;
    let day = |v: Option<String>| -> Result<Option<(i64, i64)>, AppError> {
        v.map(|d| super::exams::zone::day_bounds(&d, &zone).map_err(AppError::Invalid))
            .transpose()
    };
    let from = day(given(&filter.from))?.map(|(start, _)| start);
    let until = day(given(&filter.to))?.map(|(_, end)| end);
    if let (Some(f), Some(u)) = (from, until) {
        if f >= u {
            return Err(AppError::Invalid("The first day is after the last one.".into()));
        }
    }
    Ok(Bounds {
        department,
        from,
        until,
    })
}

impl Bounds {
    fn admit(&self, a: &store::AttemptRow) -> bool {
        self.department
            .as_ref()
            .is_none_or(|d| a.department_id.as_ref() == Some(d))
            && self.from.is_none_or(|f| a.started_at >= f)
            && self.until.is_none_or(|u| a.started_at < u)
    }
}

/// The report of `exam` over the attempts `filter` admits, whoever asks (the callers check who
/// may; the benchmark times this).
pub async fn compute(
    pool: &sqlx::AnyPool,
    exam: db::exams::ExamRow,
    filter: &ReportFilter,
) -> Result<ExamReport, AppError> {
    let exam_id = exam.id.as_str();
    let bounds = bounds(pool, &exam, filter).await?;
    let mut attempts = store::attempts(pool, exam_id).await?;
    attempts.retain(|a| bounds.admit(a));
    let count = |status: &str| attempts.iter().filter(|a| a.status == status).count() as i64;
    let submitted = count("COMPLETED");
    let counted = chosen(&attempts, filter.attempts);
    let scores: Vec<f64> = counted.iter().filter_map(|a| percent(a)).collect();
    let passed = counted.iter().filter(|a| a.passed == Some(1)).count();
    let minutes: Vec<f64> = counted
        .iter()
        .filter_map(|a| {
            a.submitted_at
                .map(|at| at.saturating_sub(a.started_at) as f64 / 60_000.0)
        })
        .collect();
    let longest = minutes
        .iter()
        .copied()
        .fold(exam.duration_minutes.max(1) as f64, f64::max);

    let ids: Vec<&str> = counted.iter().map(|a| a.id.as_str()).collect();
    let (items, analysis) = items::analyse(pool, exam_id, &ids).await?;
    let review = ReviewState::ALL
        .iter()
        .map(|s| {
            let n = attempts.iter().filter(|a| a.review_state == s.as_str()).count() as i64;
            (*s, n)
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    let departments = db::departments::list(pool, &exam.org_id)
        .await?
        .into_iter()
        .map(|d| DepartmentChoice {
            id: d.id,
            name: d.name,
        })
        .collect();
    let admitted: HashSet<&str> = attempts.iter().map(|a| a.id.as_str()).collect();
    Ok(ExamReport {
        exam_id: exam.id.clone(),
        title: exam.title.clone(),
        passing_score: exam.passing_score,
        filter: filter.clone(),
        departments,
        started: attempts.len() as i64,
        submitted,
        auto_submitted: attempts
            .iter()
            .filter(|a| a.status == "COMPLETED" && a.auto_submitted != 0)
            .count() as i64,
        in_progress: count("IN_PROGRESS"),
        counted: counted.len(),
        scores: statistics::summary(&scores),
        score_bins: distribution(&scores, 0.0, 100.0, SCORE_BINS),
        passed,
        pass_rate: (!counted.is_empty()).then(|| 100.0 * passed as f64 / counted.len() as f64),
        minutes: statistics::summary(&minutes),
        minute_bins: distribution(&minutes, 0.0, longest.ceil(), MINUTE_BINS),
        flags: flag_rates(pool, exam_id, &admitted).await?,
        review,
        alpha: analysis.test.alpha,
        error_ratio: analysis.test.error_ratio,
        standard_error: analysis.test.standard_error,
        items,
        few_attempts: counted.len() < statistics::FEW_ATTEMPTS,
    })
}

/// Flags by type over the attempts `admitted`: how many, on how many attempts, and what
/// reviewers decided.
async fn flag_rates(
    pool: &sqlx::AnyPool,
    exam_id: &str,
    admitted: &HashSet<&str>,
) -> Result<Vec<FlagRate>, AppError> {
    let mut counts = store::flags(pool, exam_id).await?;
    counts.retain(|c| admitted.contains(c.session_id.as_str()));
    Ok(FlagType::ALL
        .iter()
        .filter_map(|t| {
            let of_type: Vec<_> = counts.iter().filter(|c| c.flag_type == t.as_str()).collect();
            let with = |s: FlagStatus| {
                of_type
                    .iter()
                    .filter(|c| c.status == s.as_str())
                    .map(|c| c.flags)
                    .sum::<i64>()
            };
            let flags: i64 = of_type.iter().map(|c| c.flags).sum();
            let attempts: HashSet<&str> = of_type.iter().map(|c| c.session_id.as_str()).collect();
            (flags > 0).then(|| FlagRate {
                flag_type: *t,
                flags,
                attempts: attempts.len() as i64,
                confirmed: with(FlagStatus::Confirmed),
                dismissed: with(FlagStatus::Dismissed),
            })
        })
        .collect())
}
