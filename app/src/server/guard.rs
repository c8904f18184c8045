//! The one access check: does the caller hold one of these roles in the organisation that
//! owns the data? Every server function goes through here before it reads or writes.

use super::{auth, db, AppState};
use crate::error::AppError;
use shared::Role;

/// The signed-in caller together with the roles that let them in.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: db::users::UserRow,
    pub roles: Vec<Role>,
}

/// Signs in the caller from the request and checks `allowed` in `org_id`.
pub async fn require_role(state: &AppState, org_id: &str, allowed: &[Role]) -> Result<Caller, AppError> {
    let user = auth::current_user(state).await?;
    check(state, user, org_id, allowed).await
}

/// Checks `allowed` in `org_id` for a caller already signed in.
pub async fn check(
    state: &AppState,
    user: db::users::UserRow,
    org_id: &str,
    allowed: &[Role],
) -> Result<Caller, AppError> {
    let roles = db::orgs::roles_in_org(&state.pool, &user.id, org_id).await?;
    if shared::roles::permits(&roles, allowed) {
        // Let in as staff (any role but candidate) where the organisation asks staff for a
        // second factor: only with one set up.
        let as_staff = roles
            .iter()
            .any(|r| *r != Role::Candidate && shared::roles::permits(&[*r], allowed));
        if as_staff && db::second_factor::missing_where_required(&state.pool, org_id, &user.id).await? {
            tracing::info!(user = %user.id, org = %org_id, "staff access without the required second factor");
            return Err(AppError::NotAllowed(
                "Your organisation asks staff to use two-step sign-in. Turn it on in your account, then try again.".into(),
            ));
        }
        Ok(Caller { user, roles })
    } else {
        tracing::info!(user = %user.id, org = %org_id, "role check refused");
        Err(AppError::Forbidden)
    }
}
