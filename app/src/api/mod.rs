//! Server functions, one module per area. Each checks the caller first (through
//! `server::guard` or the session's owner), then does its work through `server::db`.

pub mod account;
pub mod auth;
pub mod banks;
pub mod enrollments;
pub mod exam_builder;
pub mod exams;
pub mod grading;
pub mod invitations;
pub mod org_admin;
pub mod platform;
pub mod player;
pub mod reports;
pub mod review;
pub mod telemetry;

/// Longest id accepted from a request (ours are 36 characters).
#[cfg(feature = "ssr")]
const MAX_ID: usize = 64;

/// Refuses an id no row could have, before it reaches a query.
#[cfg(feature = "ssr")]
pub fn check_id(id: &str) -> Result<(), crate::error::AppError> {
    if id.is_empty() || id.len() > MAX_ID {
        return Err(crate::error::AppError::Invalid("That id is malformed.".into()));
    }
    Ok(())
}
