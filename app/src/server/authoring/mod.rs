//! Question banks and their questions: authors write, quality assurance reviews, versions keep
//! what was approved. The rules of who may move what are pure, in `shared::authoring`; this
//! module reads the state, asks those rules, and writes the change conditionally on the state
//! it read (no check-then-write race), with a history row and an audit entry.

pub mod banks;
pub mod bulk;
pub mod export;
pub mod files;
pub mod import;
pub mod legacy;
pub mod questions;

use super::db::banks::BankRow;
use super::guard::{self, Caller};
use super::AppState;
use crate::error::AppError;
use shared::authoring::{Actor, AuthoringStatus};
use shared::Role;

/// Longest bank name and description.
const MAX_NAME_CHARS: usize = 200;
const MAX_DESCRIPTION_CHARS: usize = 5_000;

/// The bank, and the caller if they hold one of `allowed` in the bank's organisation.
pub(crate) async fn bank_for(
    state: &AppState,
    bank_id: &str,
    allowed: &[Role],
) -> Result<(Caller, BankRow), AppError> {
    let user = super::auth::current_user(state).await?;
    bank_checked(state, user, bank_id, allowed).await
}

/// [`bank_for`] for a caller already signed in (plain routes: uploads, files).
pub async fn bank_checked(
    state: &AppState,
    user: super::db::users::UserRow,
    bank_id: &str,
    allowed: &[Role],
) -> Result<(Caller, BankRow), AppError> {
    let bank = super::db::banks::find(&state.pool, bank_id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such question bank.".into()))?;
    let caller = guard::check(state, user, &bank.org_id, allowed).await?;
    Ok((caller, bank))
}

pub(crate) fn actor(caller: &Caller) -> Actor<'_> {
    Actor {
        user: &caller.user.id,
        roles: &caller.roles,
    }
}

/// A stored state, or an internal error if the database holds a name the code does not know.
pub(crate) fn status(raw: &str) -> Result<AuthoringStatus, AppError> {
    raw.parse().map_err(|e| {
        tracing::error!(error = %e, "unknown authoring status in the database");
        AppError::Internal
    })
}

/// The audit entry every authoring change leaves, written in the change's transaction.
pub(crate) async fn audit(
    tx: &mut sqlx::AnyConnection,
    action: &str,
    caller: &Caller,
    org_id: &str,
    subject: &str,
    detail: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    super::db::audit::record(
        tx,
        super::db::audit::Entry {
            action,
            actor_user_id: Some(&caller.user.id),
            org_id: Some(org_id),
            subject: Some(subject),
            ip: None,
            detail,
        },
        now,
    )
    .await
}

impl From<shared::authoring::Refusal> for AppError {
    fn from(r: shared::authoring::Refusal) -> Self {
        use shared::authoring::Refusal as R;
        let message = r.to_string();
        match r {
            R::NotAnAuthor | R::NotQualityAssurance | R::OwnWork => AppError::NotAllowed(message),
            R::WrongState(..) => AppError::Conflict(message),
            R::ReasonRequired | R::ReasonTooLong => AppError::Invalid(message),
        }
    }
}

/// Tags typed as "a, b, c": trimmed, without repeats, within the limits.
pub fn tags_from(raw: &str) -> Result<Vec<String>, AppError> {
    let mut tags: Vec<String> = Vec::new();
    for tag in raw.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if tag.chars().count() > shared::question::limits::TAG_CHARS {
            return Err(AppError::Invalid(format!(
                "The tag “{tag}” is longer than 50 characters."
            )));
        }
        if !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            tags.push(tag.to_string());
        }
    }
    if tags.len() > shared::question::limits::TAGS {
        return Err(AppError::Invalid("Use at most 30 tags.".into()));
    }
    Ok(tags)
}

/// A bank's name and description, checked.
pub fn bank_details(name: &str, description: &str) -> Result<(String, String), AppError> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut fields = Vec::new();
    if name.is_empty() {
        fields.push(("name", "Give the bank a name."));
    } else if name.chars().count() > MAX_NAME_CHARS {
        fields.push(("name", "Use at most 200 characters for the name."));
    }
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        fields.push(("description", "Use at most 5,000 characters for the description."));
    }
    if fields.is_empty() {
        Ok((name, description.trim().to_string()))
    } else {
        Err(AppError::InvalidFields(
            fields
                .into_iter()
                .map(|(field, message)| shared::question::FieldError {
                    field: field.into(),
                    message: message.into(),
                })
                .collect(),
        ))
    }
}
