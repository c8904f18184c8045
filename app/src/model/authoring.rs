//! What the authoring server functions return: banks, their questions' latest versions, a
//! question's version history.

use serde::{Deserialize, Serialize};
use shared::authoring::AuthoringStatus;
use shared::question::QuestionContent;

/// A bank in its organisation's list, with counts of its questions by state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BankSummary {
    pub id: String,
    pub name: String,
    pub description: String,
    pub status: AuthoringStatus,
    pub updated_at: i64,
    pub drafts: i64,
    pub in_review: i64,
    pub approved: i64,
    pub rejected: i64,
}

/// One question as its bank lists it: its latest version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionVersion {
    pub question_id: String,
    pub version_id: String,
    pub version_no: i64,
    pub status: AuthoringStatus,
    pub author_id: Option<String>,
    pub author_name: Option<String>,
    pub updated_at: i64,
    pub review_reason: Option<String>,
    pub content: QuestionContent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bank {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
    pub status: AuthoringStatus,
    pub review_reason: Option<String>,
    pub questions: Vec<QuestionVersion>,
}

/// What saving a question made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    pub question_id: String,
    pub version_id: String,
    pub version_no: i64,
    /// Whether the save made a new version (the one edited was approved) rather than changing a draft.
    pub new_version: bool,
}

/// One change of a version's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub version_id: String,
    pub actor_name: Option<String>,
    pub at: i64,
    pub from: Option<AuthoringStatus>,
    pub to: AuthoringStatus,
    pub note: Option<String>,
}

/// Every version of a question, newest first, and every change of their states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionHistory {
    pub versions: Vec<QuestionVersion>,
    pub changes: Vec<StatusChange>,
}
