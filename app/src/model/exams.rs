//! What the exam builder's server functions take and return.

use serde::{Deserialize, Serialize};
use shared::exam_plan::{AttemptPolicy, CameraPolicy, Phase, ResultsPolicy, ResultsWhen};
use shared::question::Difficulty;
use shared::Sensitivity;

/// The builder's form as typed: times as the organisation's local date and time
/// (`2026-12-01T09:00`, what `<input type="datetime-local">` holds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsInput {
    pub title: String,
    pub description: String,
    pub instructions: String,
    pub opens_local: String,
    pub closes_local: String,
    pub duration_minutes: i64,
    pub max_attempts: i64,
    pub attempt_policy: AttemptPolicy,
    pub passing_score: i64,
    pub proctoring: bool,
    pub sensitivity: Sensitivity,
    pub require_fullscreen: bool,
    pub shuffle_questions: bool,
    pub shuffle_options: bool,
    pub results: ResultsPolicy,
    pub results_when: ResultsWhen,
    pub camera: CameraPolicy,
}

/// A question a section holds or could hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemView {
    pub question_id: String,
    pub version_id: String,
    pub version_no: i64,
    pub title: String,
    pub kind: String,
    pub difficulty: Difficulty,
    pub points: f64,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionView {
    pub section_id: String,
    pub title: String,
    pub bank_id: Option<String>,
    pub bank_name: String,
    /// A draw's size; `None` for a section of fixed questions.
    pub draw_count: Option<i64>,
    pub tags: Vec<String>,
    pub difficulty: Option<Difficulty>,
    /// Fixed questions; a published draw's frozen pool.
    pub items: Vec<ItemView>,
    /// A draw: how many approved questions match its filters now.
    pub pool_size: usize,
    /// Approved questions of the bank the section could still take (fixed sections).
    pub available: Vec<ItemView>,
}

/// A bank a coordinator may build from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankChoice {
    pub bank_id: String,
    pub org_id: String,
    pub name: String,
    pub organization: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuilderView {
    pub exam_id: String,
    pub phase: Phase,
    /// The organisation's time zone (IANA name), in which `settings` times are written.
    pub time_zone: String,
    pub settings: SettingsInput,
    pub opens_at: i64,
    pub closes_at: i64,
    pub sections: Vec<SectionView>,
    /// Attempts started: once there is one, what would change them is refused.
    pub attempts: i64,
    /// Why it cannot be published yet (empty: it can).
    pub preflight: Vec<String>,
    /// Approved banks of the exam's organisation, for new sections.
    pub banks: Vec<BankChoice>,
}

/// A new section: fixed questions, or a draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionInput {
    pub title: String,
    pub bank_id: String,
    /// `Some(n)`: draw n questions per attempt.
    pub draw_count: Option<i64>,
    pub tags: Vec<String>,
    pub difficulty: Option<Difficulty>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExamAction {
    Publish,
    /// Back to draft (only before anyone has started).
    Unpublish,
    Cancel,
}

/// An exam in the coordinator's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuiltExam {
    pub exam_id: String,
    pub title: String,
    pub organization: String,
    pub phase: Phase,
    /// The window in the organisation's time zone, named.
    pub window: String,
}
