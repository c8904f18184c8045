//! What server functions return to pages. Plain data, serialisable both ways.

pub mod account;
pub mod admin;
pub mod authoring;
mod enrollment;
pub mod exams;
mod grading;
pub mod reports;
mod review;

pub use enrollment::{InvitationView, InviteReport, ManagedExam, Roster, RosterEntry};
pub use grading::{EssayGrade, GradingItem, GradingQuestion, GradingSheet};
pub use review::{
    ClaimChoice, EventPage, ExamChoice, FlagEvidence, FlagView, HistoryEntry, QueueFilter, QueuePage,
    ReviewSession, SessionReview, Strip, StripSpan, StripTick, TimelineEvent,
};

use serde::{Deserialize, Serialize};
use shared::{Role, SessionStatus};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    /// Every role the user holds, in any organisation.
    pub roles: Vec<Role>,
}

impl Me {
    pub fn has_any(&self, allowed: &[Role]) -> bool {
        shared::roles::permits(&self.roles, allowed)
    }
}

/// What a right password leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInOutcome {
    SignedIn,
    /// The account has a second factor, asked next: a code from an app (`code`, or a recovery
    /// code), or one of the person's passkeys (`passkey`).
    SecondFactor {
        code: bool,
        passkey: bool,
    },
}

/// Whether a candidate can start an exam now, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Availability {
    InProgress,
    Open,
    Upcoming,
    Closed,
    AttemptsUsed,
    /// Invited, but the candidate has not accepted the invitation yet.
    NotAccepted,
}

/// An exam as a candidate sees it on the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateExam {
    pub exam_id: String,
    pub title: String,
    pub organization: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub duration_minutes: i64,
    pub proctoring_enabled: bool,
    /// The candidate's session still running, if any.
    pub open_session_id: Option<String>,
    /// The candidate's submitted attempt that counts (highest or last, as the exam says), if any.
    pub submitted_session_id: Option<String>,
    pub max_attempts: i64,
    pub attempts_used: i64,
    pub availability: Availability,
}

/// An exam's public facts, readable by the candidates enrolled in it and by staff of its org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamInfo {
    pub exam_id: String,
    pub org_id: String,
    pub title: String,
    pub description: String,
    pub status: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub duration_minutes: i64,
    pub proctoring_enabled: bool,
    /// Whether the camera is used, and what happens without one.
    pub camera: shared::exam_plan::CameraPolicy,
    pub question_count: i64,
    pub open_session_id: Option<String>,
    pub submitted_session_id: Option<String>,
    /// Attempts the signed-in candidate may still start (0 for staff).
    pub attempts_left: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceOption {
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayerQuestion {
    pub question_id: String,
    pub kind: String,
    pub stem: String,
    /// The stem as safe HTML, when it was written in Markdown or HTML (else `stem` is shown as text).
    #[serde(default)]
    pub stem_html: Option<String>,
    pub points: i64,
    pub options: Vec<ChoiceOption>,
    /// The candidate's saved answer (JSON text), if any.
    pub saved: Option<String>,
    pub version: i64,
    /// Marked for review by the candidate.
    pub marked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayerData {
    pub session_id: String,
    pub exam_title: String,
    pub status: SessionStatus,
    pub deadline_at: i64,
    pub server_now: i64,
    pub proctoring_enabled: bool,
    pub require_fullscreen: bool,
    /// Whether faces are counted on this device during the attempt.
    pub camera: shared::exam_plan::CameraPolicy,
    /// The last event sequence number the server holds, so the browser continues from it.
    pub last_seq: i64,
    pub questions: Vec<PlayerQuestion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedAnswer {
    pub question_id: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestAck {
    /// Highest sequence number the server now holds for the session.
    pub acked_seq: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultQuestion {
    pub number: usize,
    pub stem: String,
    /// The stem as safe HTML where it was written in Markdown or HTML.
    #[serde(default)]
    pub stem_html: Option<String>,
    pub your_answer: Option<String>,
    pub correct_answer: String,
    pub points: i64,
    pub awarded: Option<f64>,
    pub explanation: Option<String>,
    /// What the person who graded an essay wrote to the candidate.
    pub feedback: Option<String>,
}

/// A submitted attempt's result, limited to what the exam lets the candidate see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultView {
    pub exam_title: String,
    pub submitted_at: i64,
    /// Submitted by the server at the deadline.
    pub auto_submitted: bool,
    pub score_visible: bool,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub percentage: Option<f64>,
    pub passed: Option<bool>,
    /// Some answers (essays) wait for a person.
    pub pending: bool,
    /// The score is held until a person has reviewed the attempt.
    pub withheld: bool,
    /// Results show once the exam's window has closed, at this time.
    pub released_at: Option<i64>,
    /// Where the attempt stands in review, in plain words (never a reviewer's note).
    pub review_status: Option<String>,
    pub passing_score: i64,
    /// Filled when the exam shows answers and explanations.
    pub questions: Vec<ResultQuestion>,
}
