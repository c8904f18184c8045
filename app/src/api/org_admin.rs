//! Running an organisation: thin doors onto [`crate::server::org_admin`], which checks that
//! the caller administers the organisation named.

use crate::error::AppError;
use crate::model::admin::{
    AdministeredOrg, AuditPage, AuditQuery, Department, MemberList, OrgSettings, PendingDeletion,
    PendingStaffInvitation, StaffInvitationView,
};
use crate::model::InviteReport;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::Role;

#[server(prefix = "/api", endpoint = "administered_orgs")]
pub async fn administered_orgs() -> Result<Vec<AdministeredOrg>, AppError> {
    use crate::server::{org_admin, respond, state};
    respond(async { org_admin::administered(&state()?).await }.await)
}

#[server(prefix = "/api", endpoint = "org_members", input = Json)]
pub async fn org_members(org_id: String, search: String, role: Option<Role>) -> Result<MemberList, AppError> {
    use crate::server::{org_admin, respond, state};
    respond(
        async {
            super::check_id(&org_id)?;
            org_admin::members::list(&state()?, &org_id, &search, role).await
        }
        .await,
    )
}

/// Gives a member exactly these roles; returns the roles now held.
#[server(prefix = "/api", endpoint = "set_member_roles", input = Json)]
pub async fn set_member_roles(
    org_id: String,
    user_id: String,
    roles: Vec<Role>,
) -> Result<Vec<Role>, AppError> {
    use crate::server::{org_admin, respond, state};
    respond(
        async {
            super::check_id(&org_id)?;
            super::check_id(&user_id)?;
            if roles.len() > Role::ALL.len() {
                return Err(AppError::Invalid("Too many roles.".into()));
            }
            org_admin::members::set_roles(&state()?, &org_id, &user_id, &roles).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "remove_member")]
pub async fn remove_member(org_id: String, user_id: String) -> Result<(), AppError> {
    use crate::server::{org_admin, respond, state};
    respond(
        async {
            super::check_id(&org_id)?;
            super::check_id(&user_id)?;
            org_admin::members::remove(&state()?, &org_id, &user_id).await
        }
        .await,
    )
}

/// Places a member in a department; an empty `department_id` takes them out of any.
#[server(prefix = "/api", endpoint = "set_member_department")]
pub async fn set_member_department(
    org_id: String,
    user_id: String,
    department_id: String,
) -> Result<(), AppError> {
    use crate::server::{org_admin, respond, state};
    respond(
        async {
            super::check_id(&org_id)?;
            super::check_id(&user_id)?;
            if !department_id.is_empty() {
                super::check_id(&department_id)?;
            }
            org_admin::members::set_department(&state()?, &org_id, &user_id, &department_id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "invite_staff", input = Json)]
pub async fn invite_staff(
    org_id: String,
    emails: String,
    roles: Vec<Role>,
    department_id: String,
) -> Result<Vec<InviteReport>, AppError> {
    use crate::server::{org_admin, respond, state};
    respond(
        async {
            super::check_id(&org_id)?;
            if !department_id.is_empty() {
                super::check_id(&department_id)?;
            }
            if roles.len() > Role::ALL.len() {
                return Err(AppError::Invalid("Too many roles.".into()));
            }
            org_admin::staff_invitations::invite(&state()?, &org_id, &emails, &roles, &department_id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "pending_staff_invitations")]
pub async fn pending_staff_invitations(org_id: String) -> Result<Vec<PendingStaffInvitation>, AppError> {
    use crate::server::{org_admin, respond, state};
    respond(
        async {
            super::check_id(&org_id)?;
            org_admin::staff_invitations::pending(&state()?, &org_id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "withdraw_staff_invitation")]
pub async fn withdraw_staff_invitation(org_id: String, invitation_id: String) -> Result<(), AppError> {
    use crate::server::{org_admin, respond, state};
    respond(
        async {
            super::check_id(&org_id)?;
            super::check_id(&invitation_id)?;
            org_admin::staff_invitations::withdraw(&state()?, &org_id, &invitation_id).await
        }
        .await,
    )
}

/// What a staff invitation link offers (anyone holding the link may look).
#[server(prefix = "/api", endpoint = "staff_invitation")]
pub async fn staff_invitation(token: String) -> Result<StaffInvitationView, AppError> {
    use crate::server::{org_admin, respond, state};
    respond(async { org_admin::staff_invitations::view(&state()?, &token).await }.await)
}

/// Accepts a staff invitation. `display_name` and `password` create the account when the
/// invited address has none; otherwise the invited person must be signed in. Returns the
/// organisation's id.
#[server(prefix = "/api", endpoint = "accept_staff_invitation")]
pub async fn accept_staff_invitation(
    token: String,
    display_name: Option<String>,
    password: Option<String>,
) -> Result<String, AppError> {
    use crate::server::{org_admin, respond, state};
    respond(
        async {
            let (name, password) = (display_name.unwrap_or_default(), password.unwrap_or_default());
            org_admin::staff_invitations::accept(&state()?, &token, &name, &password).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "departments")]
pub async fn departments(org_id: String) -> Result<Vec<Department>, AppError> {
    use crate::server::{org_admin, respond, state};
    respond(
        async {
            super::check_id(&org_id)?;
            org_admin::departments::list(&state()?, &org_id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "create_department")]
pub async fn create_department(org_id: String, name: String) -> Result<Department, AppError> {
    use crate::server::{org_admin, respond, state};
    respond(
        async {
            super::check_id(&org_id)?;
            org_admin::departments::create(&state()?, &org_id, &name).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "rename_department")]
pub async fn rename_department(org_id: String, department_id: String, name: String) -> Result<(), AppError> {
    use crate::server::{org_admin, respond, state};
    respond(
        async {
            super::check_id(&org_id)?;
            super::check_id(&department_id)?;
            org_admin::departments::rename(&state()?, &org_id, &department_id, &name).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "delete_department")]
pub async fn delete_department(org_id: String, department_id: String) -> Result<(), AppError> {
    use crate::server::{org_admin, respond, state};
    respond(
        async {
            super::check_id(&org_id)?;
            super::check_id(&department_id)?;
            org_admin::departments::delete(&state()?, &org_id, &department_id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "org_settings")]
pub async fn get_org_settings(org_id: String) -> Result<OrgSettings, AppError> {
    use crate::server::{org_admin, respond, state};
    respond(
        async {
            super::check_id(&org_id)?;
            org_admin::settings::get(&state()?, &org_id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "save_org_settings", input = Json)]
pub async fn save_org_settings(org_id: String, settings: OrgSettings) -> Result<OrgSettings, AppError> {
    use crate::server::{org_admin, respond, state};
    respond(
        async {
            super::check_id(&org_id)?;
            org_admin::settings::save(&state()?, &org_id, &settings).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "org_audit_log", input = Json)]
pub async fn org_audit_log(org_id: String, query: AuditQuery) -> Result<AuditPage, AppError> {
    use crate::server::{org_admin, respond, state};
    respond(
        async {
            super::check_id(&org_id)?;
            org_admin::audit_log::page(&state()?, &org_id, &query).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "pending_deletions")]
pub async fn pending_deletions(org_id: String) -> Result<Vec<PendingDeletion>, AppError> {
    use crate::server::{privacy, respond, state};
    respond(
        async {
            super::check_id(&org_id)?;
            privacy::pending(&state()?, &org_id).await
        }
        .await,
    )
}

/// Confirms a member's request to delete their account: erased, results kept anonymised.
#[server(prefix = "/api", endpoint = "confirm_deletion")]
pub async fn confirm_deletion(org_id: String, user_id: String) -> Result<(), AppError> {
    use crate::server::{privacy, respond, state};
    respond(
        async {
            super::check_id(&org_id)?;
            super::check_id(&user_id)?;
            privacy::confirm(&state()?, &org_id, &user_id).await
        }
        .await,
    )
}
