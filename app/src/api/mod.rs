//! Server functions, one module per area. Each checks the caller first (through
//! `server::guard` or the session's owner), then does its work through `server::db`.

pub mod auth;
pub mod enrollments;
pub mod exams;
pub mod grading;
pub mod invitations;
pub mod player;
pub mod review;
pub mod telemetry;
