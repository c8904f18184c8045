//! The organisation's departments: created, renamed, and deleted only when nothing is in them.

use super::super::db::{self, audit, departments};
use super::super::{auth, new_id, now_ms, AppState};
use super::admin;
use crate::error::AppError;
use crate::model::admin::Department;

/// Most departments an organisation keeps (a faculty list, not a free-for-all).
pub const MAX_DEPARTMENTS: usize = 500;

pub async fn list(state: &AppState, org_id: &str) -> Result<Vec<Department>, AppError> {
    admin(state, org_id).await?;
    Ok(departments::list(&state.pool, org_id)
        .await?
        .into_iter()
        .map(|d| Department {
            id: d.id,
            name: d.name,
            members: d.members,
            banks: d.banks,
        })
        .collect())
}

fn checked_name(raw: &str) -> Result<String, AppError> {
    shared::validation::normalize_label(raw, "the department's name").map_err(AppError::Invalid)
}

fn taken(name: &str) -> AppError {
    AppError::Conflict(format!("There is already a department called \"{name}\"."))
}

pub async fn create(state: &AppState, org_id: &str, name: &str) -> Result<Department, AppError> {
    let caller = admin(state, org_id).await?;
    let name = checked_name(name)?;
    let mut tx = db::begin_write(&state.pool).await?;
    if departments::list(&mut *tx, org_id).await?.len() >= MAX_DEPARTMENTS {
        return Err(AppError::Conflict(format!(
            "An organisation keeps at most {MAX_DEPARTMENTS} departments."
        )));
    }
    if departments::name_taken(&mut *tx, org_id, &name, "").await? {
        return Err(taken(&name));
    }
    let id = new_id();
    let now = now_ms();
    departments::insert(&mut *tx, &id, org_id, &name, now).await?;
    let ip = auth::request_ip();
    let entry = audit::Entry::in_org(
        audit::DEPARTMENT_CREATED,
        &caller.user.id,
        org_id,
        Some(&name),
        Some(&id),
    );
    audit::record(&mut *tx, entry.from_ip(ip.as_deref()), now).await?;
    tx.commit().await?;
    Ok(Department {
        id,
        name,
        members: 0,
        banks: 0,
    })
}

pub async fn rename(state: &AppState, org_id: &str, department_id: &str, name: &str) -> Result<(), AppError> {
    let caller = admin(state, org_id).await?;
    let name = checked_name(name)?;
    let mut tx = db::begin_write(&state.pool).await?;
    if departments::name_taken(&mut *tx, org_id, &name, department_id).await? {
        return Err(taken(&name));
    }
    if !departments::rename(&mut *tx, org_id, department_id, &name).await? {
        return Err(gone());
    }
    let ip = auth::request_ip();
    let entry = audit::Entry::in_org(
        audit::DEPARTMENT_RENAMED,
        &caller.user.id,
        org_id,
        Some(&name),
        Some(department_id),
    );
    audit::record(&mut *tx, entry.from_ip(ip.as_deref()), now_ms()).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes the department if it is empty; otherwise says what is still in it.
pub async fn delete(state: &AppState, org_id: &str, department_id: &str) -> Result<(), AppError> {
    let caller = admin(state, org_id).await?;
    let mut tx = db::begin_write(&state.pool).await?;
    let current = departments::list(&mut *tx, org_id)
        .await?
        .into_iter()
        .find(|d| d.id == department_id)
        .ok_or_else(gone)?;
    if !departments::delete_if_empty(&mut *tx, org_id, department_id).await? {
        return Err(AppError::Conflict(format!(
            "\"{}\" still holds {} member(s) and {} question bank(s) (or a pending invitation). Move them to another department first.",
            current.name, current.members, current.banks
        )));
    }
    let ip = auth::request_ip();
    let entry = audit::Entry::in_org(
        audit::DEPARTMENT_DELETED,
        &caller.user.id,
        org_id,
        Some(&current.name),
        Some(department_id),
    );
    audit::record(&mut *tx, entry.from_ip(ip.as_deref()), now_ms()).await?;
    tx.commit().await?;
    Ok(())
}

fn gone() -> AppError {
    AppError::NotFound("That department no longer exists.".into())
}
