//! An exam's report and item analysis, as the report page shows them.

use serde::{Deserialize, Serialize};
use shared::statistics::{AttemptChoice, Concern, Summary};
use shared::{FlagType, ReviewState};

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

/// Which attempts a report counts: per candidate the first, highest or last (or all), of
/// the candidates of one department, started within a range of days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFilter {
    #[serde(default = "highest")]
    pub attempts: AttemptChoice,
    /// A department of the exam's organisation: only its candidates.
    #[serde(default)]
    pub department: Option<String>,
    /// Only attempts started on or after this day, and on or before this one (`2026-12-01`,
    /// in the organisation's time zone).
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

fn highest() -> AttemptChoice {
    AttemptChoice::Highest
}

impl Default for ReportFilter {
    fn default() -> Self {
        Self {
            attempts: highest(),
            department: None,
            from: None,
            to: None,
        }
    }
}

impl ReportFilter {
    /// The filter as a query string (`attempts=HIGHEST&department=…`), for links and downloads.
    pub fn query(&self) -> String {
        let mut parts = vec![format!("attempts={}", self.attempts.as_str())];
        for (key, value) in [
            ("department", &self.department),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                parts.push(format!("{key}={}", percent_encode(v)));
            }
        }
        parts.join("&")
    }

    /// Whether anything narrows the attempts beyond the choice per candidate.
    pub fn narrows(&self) -> bool {
        [&self.department, &self.from, &self.to]
            .iter()
            .any(|v| v.as_deref().is_some_and(|v| !v.is_empty()))
    }
}

/// Percent-encodes what is not a letter, digit or `-_.~` (ids and dates are, as a rule).
fn percent_encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A department a report can be narrowed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentChoice {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamReport {
    pub exam_id: String,
    pub title: String,
    pub passing_score: i64,
    pub filter: ReportFilter,
    /// The organisation's departments, to narrow the report to one.
    pub departments: Vec<DepartmentChoice>,
    pub started: i64,
    pub submitted: i64,
    pub auto_submitted: i64,
    pub in_progress: i64,
    /// Scored attempts the figures below count (after `choice`).
    pub counted: usize,
    /// Scores in percent.
    pub scores: Option<Summary>,
    pub score_bins: Distribution,
    pub passed: usize,
    pub pass_rate: Option<f64>,
    /// Minutes from start to submission.
    pub minutes: Option<Summary>,
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

/// A submitted attempt found by the candidate's name or email, with a link to its answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptLine {
    pub session_id: String,
    pub candidate: String,
    pub email: String,
    pub attempt_no: i64,
    pub percent: Option<f64>,
    pub passed: Option<bool>,
    pub submitted_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptMatches {
    pub lines: Vec<AttemptLine>,
    /// More attempts match than are listed: the search should be narrower.
    pub more: bool,
}
