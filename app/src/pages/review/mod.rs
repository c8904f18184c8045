//! The reviewer's side: the queue ([`ReviewPage`]), one session's evidence and decisions
//! ([`session::SessionReviewPage`]), the attempt as a strip ([`strip`]) and the live feed.

mod decision;
pub mod flags;
mod history;
pub mod live;
pub mod queue;
pub mod session;
pub mod strip;

pub use queue::ReviewPage;
pub use session::SessionReviewPage;

use shared::{ReviewState, Severity};

/// A severity in words, for a badge that never relies on colour alone.
pub fn severity_words(s: Severity) -> &'static str {
    match s {
        Severity::Low => "Low severity",
        Severity::Medium => "Medium severity",
        Severity::High => "High severity",
    }
}

/// The CSS class of a review state's badge (its label is always written out too).
pub fn state_class(s: ReviewState) -> &'static str {
    match s {
        ReviewState::NotReviewed => "state state-open",
        ReviewState::InReview => "state state-working",
        ReviewState::Clean | ReviewState::Verified => "state state-ok",
        ReviewState::MinorViolation => "state state-warn",
        ReviewState::Suspicious | ReviewState::Rejected => "state state-bad",
    }
}
