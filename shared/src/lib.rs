//! Vigil's domain, shared by the server and the browser: roles, lifecycle states, the
//! telemetry envelope and the rules that turn telemetry into flags. Pure Rust, no IO, so the
//! same definitions compile into the wasm bundle and are tested once.

pub mod authoring;
pub mod domain;
pub mod exam_plan;
#[cfg(feature = "interchange")]
pub mod export;
pub mod grading;
#[cfg(feature = "interchange")]
pub mod import;
pub mod media;
pub mod question;
pub mod review;
pub mod roles;
pub mod rules;
pub mod schedule;
pub mod shuffle;
pub mod statistics;
pub mod telemetry;
pub mod validation;

pub use domain::{
    EnrollmentStatus, ExamStatus, FlagType, ParseEnumError, Sensitivity, SessionStatus, Severity,
};
pub use review::{FlagStatus, ReviewState};
pub use roles::Role;
