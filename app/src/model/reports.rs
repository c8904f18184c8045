//! An exam's report and item analysis, as the report page shows them.

use serde::{Deserialize, Serialize};
use shared::statistics::{AttemptChoice, Concern};
use shared::{FlagType, ReviewState};

/// Centre and spread of a list of values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub count: usize,
    pub mean: f64,
    pub median: f64,
    pub sd: f64,
    pub min: f64,
    pub max: f64,
}

/// Equal bins from `from`, each `width` wide, with how many values fell in each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    pub from: f64,
    pub width: f64,
    pub counts: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlagRate {
    pub flag_type: FlagType,
    pub flags: i64,
    /// Attempts with at least one flag of this type.
    pub attempts: i64,
    pub confirmed: i64,
    pub dismissed: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemRow {
    pub number: usize,
    pub question_id: String,
    pub title: String,
    pub kind: String,
    pub max_points: f64,
    pub attempts: usize,
    pub facility: Option<f64>,
    pub sd: Option<f64>,
    pub discrimination: Option<f64>,
    pub efficiency: Option<f64>,
    pub concerns: Vec<Concern>,
    /// For a choice question: each option, and how often the top and the bottom third of
    /// attempts (by total) chose it. Empty for other kinds.
    pub options: Vec<OptionRow>,
    /// Attempts in each third.
    pub third: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionRow {
    pub text: String,
    /// Worth points (a right answer, or part of one).
    pub right: bool,
    pub top: usize,
    pub bottom: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamReport {
    pub exam_id: String,
    pub title: String,
    pub passing_score: i64,
    pub choice: AttemptChoice,
    pub started: i64,
    pub submitted: i64,
    pub auto_submitted: i64,
    pub in_progress: i64,
    /// Scored attempts the figures below count (after `choice`).
    pub counted: usize,
    /// Scores in percent.
    pub scores: Option<Figures>,
    pub score_bins: Distribution,
    pub passed: usize,
    pub pass_rate: Option<f64>,
    /// Minutes from start to submission.
    pub minutes: Option<Figures>,
    pub minute_bins: Distribution,
    pub flags: Vec<FlagRate>,
    pub review: Vec<(ReviewState, i64)>,
    pub items: Vec<ItemRow>,
    /// Cronbach's alpha in percent, the error ratio in percent, the standard error in marks.
    pub alpha: Option<f64>,
    pub error_ratio: Option<f64>,
    pub standard_error: Option<f64>,
    /// Too few attempts for the statistics to mean much.
    pub few_attempts: bool,
}

/// An exam the caller may read reports of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportableExam {
    pub exam_id: String,
    pub title: String,
    pub org_name: String,
    pub closes_at: i64,
    pub submitted: i64,
}

/// How a bank question has done in the exams that used it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionUsage {
    pub question_id: String,
    /// Scored attempts that were asked it, and in how many exams.
    pub attempts: usize,
    pub exams: usize,
    pub facility: Option<f64>,
    /// Its marks against the rest of each attempt (both as shares of their maximum), ×100.
    pub discrimination: Option<f64>,
}
