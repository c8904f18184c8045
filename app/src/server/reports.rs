//! An exam's report for its staff (report viewers, coordinators, admins of its organisation):
//! how many started and submitted, the distribution of scores and of time used, the pass rate,
//! flags by type with what reviewers decided, and the item analysis of every question. The
//! arithmetic is `shared::statistics`; this module reads the exam and picks the attempts.

use super::db::{self, reports as store};
use super::{auth, guard, AppState};
use crate::error::AppError;
use crate::model::reports::{
    Distribution, ExamReport, Figures, FlagRate, ItemRow, OptionRow, QuestionUsage, ReportableExam,
};
use shared::question::{Body, QuestionContent};
use shared::roles::REPORT_READERS;
use shared::statistics::{self, AttemptChoice};
use shared::{FlagStatus, FlagType, ReviewState};
use std::collections::{BTreeMap, HashMap};

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

fn figures(s: statistics::Summary) -> Figures {
    Figures {
        count: s.count,
        mean: s.mean,
        median: s.median,
        sd: s.sd,
        min: s.min,
        max: s.max,
    }
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
    match (a.score, a.max_score) {
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
    choice: AttemptChoice,
) -> Result<ExamReport, AppError> {
    let user = auth::current_user(state).await?;
    report_for(state, user, exam_id, choice).await
}

/// The report, for `user` if they may read it (the CSV download signs them in itself).
pub async fn report_for(
    state: &AppState,
    user: db::users::UserRow,
    exam_id: &str,
    choice: AttemptChoice,
) -> Result<ExamReport, AppError> {
    let exam = db::exams::find(&state.pool, exam_id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such exam.".into()))?;
    guard::check(state, user, &exam.org_id, REPORT_READERS).await?;
    compute(&state.pool, exam, choice).await
}

/// The report of `exam`, whoever asks (the callers above check who may; the benchmark times
/// this).
pub async fn compute(
    pool: &sqlx::AnyPool,
    exam: db::exams::ExamRow,
    choice: AttemptChoice,
) -> Result<ExamReport, AppError> {
    let exam_id = exam.id.as_str();
    let attempts = store::attempts(pool, exam_id).await?;
    let count = |status: &str| attempts.iter().filter(|a| a.status == status).count() as i64;
    let submitted = count("COMPLETED");
    let counted = chosen(&attempts, choice);
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

    let (items, analysis) = item_analysis(pool, exam_id, &counted).await?;
    let review = ReviewState::ALL
        .iter()
        .map(|s| {
            let n = attempts.iter().filter(|a| a.review_state == s.as_str()).count() as i64;
            (*s, n)
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    Ok(ExamReport {
        exam_id: exam.id.clone(),
        title: exam.title.clone(),
        passing_score: exam.passing_score,
        choice,
        started: attempts.len() as i64,
        submitted,
        auto_submitted: attempts
            .iter()
            .filter(|a| a.status == "COMPLETED" && a.auto_submitted != 0)
            .count() as i64,
        in_progress: count("IN_PROGRESS"),
        counted: counted.len(),
        scores: statistics::summary(&scores).map(figures),
        score_bins: distribution(&scores, 0.0, 100.0, SCORE_BINS),
        passed,
        pass_rate: (!counted.is_empty()).then(|| 100.0 * passed as f64 / counted.len() as f64),
        minutes: statistics::summary(&minutes).map(figures),
        minute_bins: distribution(&minutes, 0.0, longest.ceil(), MINUTE_BINS),
        flags: flag_rates(pool, exam_id).await?,
        review,
        alpha: analysis.test.alpha,
        error_ratio: analysis.test.error_ratio,
        standard_error: analysis.test.standard_error,
        items,
        few_attempts: counted.len() < statistics::FEW_ATTEMPTS,
    })
}

/// Each question the counted attempts were asked, in the order first met, with its figures.
/// What the analysis needs of a question version, read from its content once.
struct VersionInfo {
    points: f64,
    /// A choice question's options: id, text, and whether it is worth points.
    options: Vec<(String, String, bool)>,
}

fn version_info(v: &store::VersionRow) -> VersionInfo {
    match serde_json::from_str::<QuestionContent>(&v.content_json) {
        Ok(c) => VersionInfo {
            points: c.points,
            options: match &c.body {
                Body::Choice { options, .. } => options
                    .iter()
                    .map(|o| (o.id.clone(), o.text.text.clone(), o.weight > 0.0))
                    .collect(),
                _ => Vec::new(),
            },
        },
        Err(e) => {
            tracing::warn!(version = %v.id, error = %e, "a question version's content is unreadable; counted as worth 0");
            VersionInfo {
                points: 0.0,
                options: Vec::new(),
            }
        }
    }
}

/// The option ids a saved answer names.
fn chosen_ids(value: &str) -> Vec<String> {
    match serde_json::from_str::<serde_json::Value>(value) {
        Ok(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        Ok(serde_json::Value::String(s)) => vec![s],
        _ => Vec::new(),
    }
}

/// Each question the counted attempts were asked, in the order first met, with its figures.
async fn item_analysis(
    pool: &sqlx::AnyPool,
    exam_id: &str,
    counted: &[&store::AttemptRow],
) -> Result<(Vec<ItemRow>, statistics::Analysis), AppError> {
    let versions: HashMap<String, store::VersionRow> = store::versions(pool, exam_id)
        .await?
        .into_iter()
        .map(|v| (v.id.clone(), v))
        .collect();
    let info: HashMap<&str, VersionInfo> = versions
        .iter()
        .map(|(id, v)| (id.as_str(), version_info(v)))
        .collect();
    let row_of: HashMap<&str, usize> = counted
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    // Items in the order first met; a question's marks scaled to the most points any of its
    // versions carried, so a version worth other points still compares.
    let mut order: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut max: Vec<f64> = Vec::new();
    let mut first_version: Vec<String> = Vec::new();
    let mut cells: Vec<(usize, usize, f64, f64)> = Vec::new();
    // Per item, each asking attempt's row and the options it chose (by index in the item's
    // first version).
    let mut choices: Vec<Vec<(usize, Vec<usize>)>> = Vec::new();
    for m in store::marks(pool, exam_id).await? {
        let Some(&row) = row_of.get(m.session_id.as_str()) else {
            continue;
        };
        let item = match index.get(&m.question_id) {
            Some(&i) => i,
            None => {
                order.push(m.question_id.clone());
                max.push(0.0);
                first_version.push(m.version_id.clone());
                choices.push(Vec::new());
                index.insert(m.question_id.clone(), order.len() - 1);
                order.len() - 1
            }
        };
        let worth = info.get(m.version_id.as_str()).map_or(0.0, |v| v.points);
        if let Some(top) = max.get_mut(item) {
            *top = top.max(worth);
        }
        // An essay not graded yet has no mark: it does not count.
        let awarded = if m.answered == 0 { Some(0.0) } else { m.points };
        if let Some(p) = awarded {
            cells.push((row, item, p, worth));
        }
        let options = first_version
            .get(item)
            .and_then(|v| info.get(v.as_str()))
            .map(|v| v.options.as_slice())
            .unwrap_or_default();
        if !options.is_empty() {
            let picked = m
                .value
                .as_deref()
                .map(chosen_ids)
                .unwrap_or_default()
                .iter()
                .filter_map(|id| options.iter().position(|(o, _, _)| o == id))
                .collect();
            if let Some(list) = choices.get_mut(item) {
                list.push((row, picked));
            }
        }
    }
    let mut rows = vec![vec![None; order.len()]; counted.len()];
    for (row, item, awarded, worth) in cells {
        let top = max.get(item).copied().unwrap_or(0.0);
        let mark = if worth > 0.0 { awarded / worth * top } else { 0.0 };
        if let Some(cell) = rows.get_mut(row).and_then(|r| r.get_mut(item)) {
            *cell = Some(mark);
        }
    }
    let totals: Vec<f64> = rows.iter().map(|r| r.iter().flatten().sum()).collect();
    let analysis = statistics::analyse(&max, &rows);
    let items = order
        .into_iter()
        .zip(analysis.items.iter())
        .zip(choices)
        .enumerate()
        .map(|(i, ((question_id, stats), picks))| {
            let version = first_version.get(i).and_then(|v| versions.get(v));
            let options = first_version
                .get(i)
                .and_then(|v| info.get(v.as_str()))
                .map(|v| v.options.as_slice())
                .unwrap_or_default();
            let by_total: Vec<(f64, Vec<usize>)> = picks
                .into_iter()
                .map(|(row, picked)| (totals.get(row).copied().unwrap_or(0.0), picked))
                .collect();
            let (uses, third) = statistics::option_use(&by_total, options.len());
            ItemRow {
                number: i + 1,
                question_id,
                title: version.map(|v| v.title.clone()).unwrap_or_default(),
                kind: version.map(|v| v.kind.clone()).unwrap_or_default(),
                max_points: max.get(i).copied().unwrap_or(0.0),
                attempts: stats.attempts,
                facility: stats.facility,
                sd: stats.sd,
                discrimination: stats.discrimination,
                efficiency: stats.efficiency,
                concerns: stats.concerns(),
                options: options
                    .iter()
                    .zip(uses)
                    .map(|((_, text, right), u)| OptionRow {
                        text: text.clone(),
                        right: *right,
                        top: u.top,
                        bottom: u.bottom,
                    })
                    .collect(),
                third,
            }
        })
        .collect();
    Ok((items, analysis))
}

async fn flag_rates(pool: &sqlx::AnyPool, exam_id: &str) -> Result<Vec<FlagRate>, AppError> {
    let flagged: HashMap<String, i64> = store::flagged_attempts(pool, exam_id)
        .await?
        .into_iter()
        .collect();
    let counts = store::flags(pool, exam_id).await?;
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
            (flags > 0).then(|| FlagRate {
                flag_type: *t,
                flags,
                attempts: flagged.get(t.as_str()).copied().unwrap_or(0),
                confirmed: with(FlagStatus::Confirmed),
                dismissed: with(FlagStatus::Dismissed),
            })
        })
        .collect())
}

/// One bank question's uses: its share of the marks in each attempt, the rest of that
/// attempt's share, and the exams it was in.
#[derive(Default)]
struct Uses {
    share: Vec<f64>,
    rest: Vec<f64>,
    exams: std::collections::BTreeSet<String>,
}

/// How each question of a bank has done across the exams that used it: attempts, facility and
/// discrimination, with marks and the rest of each attempt taken as shares of their maximum so
/// exams of different lengths compare. For the bank's readers.
pub async fn bank_usage(state: &AppState, bank_id: &str) -> Result<Vec<QuestionUsage>, AppError> {
    let (_, bank) = super::authoring::bank_for(state, bank_id, shared::authoring::BANK_READERS).await?;
    let pool = &state.pool;
    let worth: HashMap<String, f64> = store::bank_versions(pool, &bank.id)
        .await?
        .iter()
        .map(|v| (v.id.clone(), version_info(v).points))
        .collect();
    let mut per: BTreeMap<String, Uses> = BTreeMap::new();
    for u in store::bank_uses(pool, &bank.id).await? {
        let points = worth.get(&u.version_id).copied().unwrap_or(0.0);
        let awarded = if u.answered == 0 { Some(0.0) } else { u.points };
        let (Some(awarded), true) = (awarded, points > 0.0) else {
            continue;
        };
        let rest_max = u.max_score - points;
        let entry = per.entry(u.question_id).or_default();
        entry.share.push(awarded / points);
        entry.rest.push(if rest_max > 0.0 {
            (u.score - awarded) / rest_max
        } else {
            0.0
        });
        entry.exams.insert(u.exam_id);
    }
    Ok(per
        .into_iter()
        .map(|(question_id, u)| QuestionUsage {
            question_id,
            attempts: u.share.len(),
            exams: u.exams.len(),
            facility: statistics::summary(&u.share).map(|s| 100.0 * s.mean),
            discrimination: statistics::correlation(&u.share, &u.rest),
        })
        .collect())
}
