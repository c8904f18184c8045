//! An organisation run by its own admins: members and their roles, staff invitations,
//! departments, settings, and the audit log. Every function takes the organisation's id and
//! checks first that the caller is its ORG_ADMIN ([`admin`]).

pub mod audit_log;
pub mod departments;
pub mod members;
pub mod settings;
pub mod staff_invitations;

use super::guard::{self, Caller};
use super::{auth, db, AppState};
use crate::error::AppError;
use crate::model::admin::AdministeredOrg;
use shared::Role;

/// The caller, when they administer `org_id` (a super admin does too); otherwise Forbidden.
pub async fn admin(state: &AppState, org_id: &str) -> Result<Caller, AppError> {
    guard::require_role(state, org_id, &[Role::OrgAdmin]).await
}

/// The organisations the caller administers.
pub async fn administered(state: &AppState) -> Result<Vec<AdministeredOrg>, AppError> {
    let user = auth::current_user(state).await?;
    let ids = db::orgs::orgs_with_role(&state.pool, &user.id, &[Role::OrgAdmin]).await?;
    let mut orgs = Vec::with_capacity(ids.len());
    for id in ids {
        let name = db::orgs::name(&state.pool, &id).await?;
        orgs.push(AdministeredOrg { id, name });
    }
    orgs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(orgs)
}

/// A LIKE pattern matching `text` anywhere, whatever its case (columns are lowered too).
pub(crate) fn contains_pattern(text: &str) -> String {
    db::like_contains(&text.trim().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn wildcards_in_a_search_are_literal() {
        assert_eq!(contains_pattern(" Ana "), "%ana%");
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
