//! How each question of a bank has done across the exams that used it.

use super::super::db::reports as store;
use super::super::AppState;
use super::items::version_info;
use crate::error::AppError;
use crate::model::reports::QuestionUsage;
use shared::statistics;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One bank question's uses: its share of the marks in each attempt, the rest of that
/// attempt's share, and the exams it was in.
#[derive(Default)]
struct Uses {
    share: Vec<f64>,
    rest: Vec<f64>,
    exams: BTreeSet<String>,
}

/// How each question of a bank has done across the exams that used it: attempts, facility and
/// discrimination, with marks and the rest of each attempt taken as shares of their maximum so
/// exams of different lengths compare. For the bank's readers.
pub async fn bank_usage(state: &AppState, bank_id: &str) -> Result<Vec<QuestionUsage>, AppError> {
    let (_, bank) =
        super::super::authoring::bank_for(state, bank_id, shared::authoring::BANK_READERS).await?;
    usage_of(&state.pool, &bank.id).await
}

/// The uses of the bank's questions, whoever asks (the caller checks who may; the benchmark
/// times this).
pub async fn usage_of(pool: &sqlx::AnyPool, bank_id: &str) -> Result<Vec<QuestionUsage>, AppError> {
    let worth: HashMap<String, f64> = store::bank_versions(pool, bank_id)
        .await?
        .iter()
        .map(|v| (v.id.clone(), version_info(v).points))
        .collect();
    let mut per: BTreeMap<String, Uses> = BTreeMap::new();
    for u in store::bank_uses(pool, bank_id).await? {
        let points = worth.get(&u.version_id).copied().unwrap_or(0.0);
        let awarded = if u.answered == 0 { Some(0.0) } else { u.points };
        let (Some(awarded), true) = (awarded, points > 0.0) else {
            continue;
        };
        let rest_max = u.max_score - points;
        let rest = if rest_max > 0.0 {
            (u.score - awarded) / rest_max
        } else {
            0.0
        };
        // Alike uses counted once by the database, laid out again one value per use (a few
        // MB at most) so the statistics stay the plain ones.
        let times = usize::try_from(u.uses).unwrap_or(0);
        let entry = per.entry(u.question_id).or_default();
        entry.share.extend(std::iter::repeat_n(awarded / points, times));
        entry.rest.extend(std::iter::repeat_n(rest, times));
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
