//! What server functions return to pages. Plain data, serialisable both ways.

pub mod account;
pub mod admin;
pub mod authoring;
pub mod exams;
pub mod reports;

use serde::{Deserialize, Serialize};
use shared::{FlagStatus, FlagType, ReviewState, Role, SessionStatus, Severity};

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagEvidence {
    pub event_id: String,
    pub seq: i64,
    pub kind: String,
    pub description: String,
    pub client_ms: i64,
    pub server_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagView {
    pub flag_id: String,
    pub flag_type: FlagType,
    pub severity: Severity,
    pub raised_at: i64,
    pub status: FlagStatus,
    pub evidence: Vec<FlagEvidence>,
    /// Why the server or a reviewer raised it, where no event says so.
    pub note: Option<String>,
    /// Raised by a reviewer rather than a rule.
    pub raised_by_person: bool,
    /// The moment of the session a reviewer's flag is about.
    pub at_ms: Option<i64>,
    /// The decision's note, who made it and when.
    pub resolution: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<i64>,
}

/// A session as reviewers see it: its attempt, its review outcome and claim, its flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewSession {
    pub session_id: String,
    pub exam_id: String,
    pub exam_title: String,
    pub candidate_name: String,
    pub candidate_email: String,
    pub status: SessionStatus,
    pub risk_score: i64,
    pub started_at: i64,
    pub submitted_at: Option<i64>,
    pub review_state: ReviewState,
    /// Who holds a live claim, if anyone.
    pub claimed_by: Option<String>,
    pub claimed_by_me: bool,
    /// When the live claim lapses unless its holder acts.
    pub claim_lapses_at: Option<i64>,
    /// The caller made the first review (so cannot make the second).
    pub first_reviewer_is_me: bool,
    /// The candidate's accommodations that relax rules, in words.
    pub accommodations: Vec<String>,
    pub flags: Vec<FlagView>,
}

/// Which claims the queue shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClaimChoice {
    #[default]
    Any,
    Mine,
    Unclaimed,
}

/// The queue's filters, as the page sends them. Every field may be left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QueueFilter {
    pub exam_id: Option<String>,
    pub state: Option<ReviewState>,
    pub flag_type: Option<FlagType>,
    pub severity: Option<Severity>,
    pub claim: ClaimChoice,
    /// Part of the candidate's email.
    pub email: String,
    /// The cursor of the page to show (from [`QueuePage::next`]).
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamChoice {
    pub exam_id: String,
    pub title: String,
}

/// One page of the reviewer's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePage {
    pub sessions: Vec<ReviewSession>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
    /// Sessions per review state under the other filters.
    pub counts: Vec<(ReviewState, i64)>,
    /// Exams the caller may filter by.
    pub exams: Vec<ExamChoice>,
}

/// One change in a session's review or one of its flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub actor: Option<String>,
    pub at: i64,
    /// Set when the change was a flag's (its type).
    pub flag: Option<FlagType>,
    pub from: String,
    pub to: String,
    pub note: Option<String>,
}

/// A stretch of the attempt the timeline draws as a span (page hidden, blur, offline,
/// out of fullscreen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StripSpan {
    pub lane: String,
    /// What the span says beyond its lane (which question was on screen).
    pub label: String,
    pub from_ms: i64,
    pub to_ms: i64,
    /// The events that began and ended it.
    pub event_ids: Vec<String>,
}

/// A moment the timeline draws as a tick (a paste, a shortcut…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StripTick {
    pub at_ms: i64,
    pub label: String,
    pub event_id: String,
}

/// The attempt from start to submission, drawn as an SVG strip with a text equivalent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Strip {
    pub start_ms: i64,
    pub end_ms: i64,
    pub spans: Vec<StripSpan>,
    pub ticks: Vec<StripTick>,
}

/// Everything a reviewer needs to decide one session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionReview {
    pub session: ReviewSession,
    pub history: Vec<HistoryEntry>,
    pub strip: Strip,
    pub event_count: i64,
    pub can_review: bool,
    pub can_second_review: bool,
    pub can_reopen: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    pub event_id: String,
    pub seq: i64,
    pub kind: String,
    pub description: String,
    pub client_ms: i64,
    pub server_ms: i64,
    /// The event's payload as recorded (JSON), e.g. a paste's length and fingerprint.
    pub payload: String,
}

/// A page of a session's events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventPage {
    pub events: Vec<TimelineEvent>,
    /// The sequence number to continue after, if there are more.
    pub next_after: Option<i64>,
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

/// What happened to one address of an invitation request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteReport {
    pub email: String,
    pub outcome: String,
    pub invited: bool,
}

/// The page behind an invitation link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub email: String,
    pub exam_title: String,
    pub organization: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub duration_minutes: i64,
    pub expires_at: i64,
    pub accommodation: Option<String>,
    pub account_exists: bool,
    /// The email of whoever is signed in on this browser, if anyone.
    pub signed_in_as: Option<String>,
}

/// An exam as an enrollment manager sees it in their list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedExam {
    pub exam_id: String,
    pub title: String,
    pub organization: String,
    pub status: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub enrolled: i64,
    pub pending_invitations: i64,
}

/// One line of an exam's roster: an enrollment, or an invitation nobody has accepted yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterEntry {
    /// Set for enrollments (accommodations can be changed); `None` for a pending invitation
    /// to an address with no account yet.
    pub enrollment_id: Option<String>,
    pub email: String,
    pub display_name: Option<String>,
    pub status: String,
    pub extra_percent: i64,
    pub extra_minutes: i64,
    pub attempts_used: i64,
    /// When the pending invitation stops working.
    pub invitation_expires_at: Option<i64>,
    /// Proctoring rules relaxed for this candidate.
    pub relaxations: shared::rules::Relaxations,
    /// The candidate's own window, in the organisation's time zone (`2026-12-01T09:00`); empty
    /// where the exam's applies.
    pub opens_local: String,
    pub closes_local: String,
    pub extra_attempts: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roster {
    pub exam_id: String,
    pub exam_title: String,
    pub organization: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub duration_minutes: i64,
    pub max_attempts: i64,
    /// The organisation's time zone, in which the candidates' own windows are written.
    pub time_zone: String,
    /// The exam uses camera proctoring (its rules can then be turned off per candidate).
    pub camera: bool,
    pub entries: Vec<RosterEntry>,
}

/// A submitted attempt waiting for a person to grade its essays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradingItem {
    pub session_id: String,
    pub exam_title: String,
    pub candidate_name: String,
    pub submitted_at: i64,
    pub grading_status: String,
}

/// One question of an attempt, for the person grading it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradingQuestion {
    pub question_id: String,
    pub number: usize,
    pub kind: String,
    pub stem: String,
    pub points: i64,
    /// The candidate's answer, as text.
    pub answer: Option<String>,
    /// Points so far: automatic for objective questions, a person's for essays.
    pub awarded: Option<f64>,
    pub feedback: Option<String>,
    /// Essays are graded by a person; the rest were graded on submit.
    pub needs_person: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradingSheet {
    pub session_id: String,
    pub exam_title: String,
    pub candidate_name: String,
    pub submitted_at: i64,
    pub grading_status: String,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub passing_score: i64,
    pub questions: Vec<GradingQuestion>,
}

/// A person's grade for one essay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EssayGrade {
    pub question_id: String,
    pub points: f64,
    pub feedback: String,
}
