//! Invitations and rosters: what an enrollment manager sees and what an invitation link opens.

use serde::{Deserialize, Serialize};

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
