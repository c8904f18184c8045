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

/// The formats a bank imports from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportFormat {
    Gift,
    Aiken,
    MoodleXml,
    QtiItem,
    QtiPackage,
}

impl ImportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportFormat::Gift => "GIFT",
            ImportFormat::Aiken => "AIKEN",
            ImportFormat::MoodleXml => "MOODLE_XML",
            ImportFormat::QtiItem => "QTI_ITEM",
            ImportFormat::QtiPackage => "QTI_PACKAGE",
        }
    }

    pub fn parse(s: &str) -> Option<ImportFormat> {
        [
            Self::Gift,
            Self::Aiken,
            Self::MoodleXml,
            Self::QtiItem,
            Self::QtiPackage,
        ]
        .into_iter()
        .find(|f| f.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ImportFormat::Gift => "Moodle GIFT",
            ImportFormat::Aiken => "Aiken",
            ImportFormat::MoodleXml => "Moodle XML",
            ImportFormat::QtiItem => "QTI item",
            ImportFormat::QtiPackage => "QTI package",
        }
    }
}

/// One question an import would create (or leave, as a duplicate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportItem {
    /// Where in the file: "line 12", "item 3", "items/q1.xml".
    pub location: String,
    pub title: String,
    /// "single choice", "essay"…
    pub kind: String,
    pub category: Option<String>,
    /// Already in the bank (same identifier, or the same content): it will not be imported again.
    pub duplicate: bool,
    pub files: usize,
}

/// Something worth knowing about an import: what was skipped or changed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportFinding {
    pub location: String,
    pub skipped: bool,
    pub message: String,
}

/// What an import would do, before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub upload_id: String,
    pub bank_id: String,
    pub filename: String,
    pub format: ImportFormat,
    pub items: Vec<ImportItem>,
    pub findings: Vec<ImportFinding>,
    pub new_questions: usize,
    pub duplicates: usize,
}

/// What a committed import wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportResult {
    pub created: usize,
    pub duplicates: usize,
    pub files: usize,
}

/// An organisation whose banks the caller may read, and whether they may write there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankOrg {
    pub org_id: String,
    pub name: String,
    pub can_author: bool,
    pub can_review: bool,
}

/// What a bulk action did: how many questions it changed, and each refusal with its reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkReport {
    pub done: usize,
    pub refused: Vec<String>,
}
