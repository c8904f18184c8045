//! The platform's organisations, for its operators: thin doors onto [`crate::server::platform`].

use crate::error::AppError;
use crate::model::admin::PlatformOrg;
use crate::model::InviteReport;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "platform_orgs")]
pub async fn platform_orgs() -> Result<Vec<PlatformOrg>, AppError> {
    use crate::server::{platform, respond, state};
    respond(async { platform::list(&state()?).await }.await)
}

/// Creates an organisation and invites its first admin.
#[server(prefix = "/api", endpoint = "create_org")]
pub async fn create_org(
    name: String,
    time_zone: String,
    admin_email: String,
) -> Result<InviteReport, AppError> {
    use crate::server::{platform, respond, state};
    respond(async { platform::create(&state()?, &name, &time_zone, &admin_email).await }.await)
}

#[server(prefix = "/api", endpoint = "suspend_org")]
pub async fn suspend_org(org_id: String) -> Result<(), AppError> {
    use crate::server::{platform, respond, state};
    respond(
        async {
            super::check_id(&org_id)?;
            platform::suspend(&state()?, &org_id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "reactivate_org")]
pub async fn reactivate_org(org_id: String) -> Result<(), AppError> {
    use crate::server::{platform, respond, state};
    respond(
        async {
            super::check_id(&org_id)?;
            platform::reactivate(&state()?, &org_id).await
        }
        .await,
    )
}

/// Whether anyone may make an account by signing up (for the operators' settings).
#[server(prefix = "/api", endpoint = "platform_self_sign_up")]
pub async fn platform_self_sign_up() -> Result<bool, AppError> {
    use crate::server::{platform, respond, state};
    respond(async { platform::self_sign_up(&state()?).await }.await)
}

#[server(prefix = "/api", endpoint = "set_self_sign_up")]
pub async fn set_self_sign_up(on: bool) -> Result<(), AppError> {
    use crate::server::{platform, respond, state};
    respond(async { platform::set_self_sign_up(&state()?, on).await }.await)
}
