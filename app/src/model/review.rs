//! What reviewers see: the queue, a session's flags, its history, timeline and strip.

use serde::{Deserialize, Serialize};
use shared::{FlagStatus, FlagType, ReviewState, SessionStatus, Severity};

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
