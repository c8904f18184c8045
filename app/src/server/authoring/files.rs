//! Images uploaded into a bank for its questions, and who may see them: people who may read the
//! bank, and candidates whose attempt shows a question that uses the image.

use super::{audit, bank_checked};
use crate::error::AppError;
use crate::server::db::{self, users::UserRow};
use crate::server::{new_id, now_ms, AppState};
use sha2::{Digest, Sha256};
use shared::authoring::{AUTHORS, BANK_READERS};

/// Longest file name kept.
const MAX_NAME_CHARS: usize = 200;

/// Stores an image in the bank (the same bytes twice are one file) and returns its address.
/// Refused unless it is a PNG, JPEG, GIF or WebP of at most 5 MB, by its bytes, not its name.
pub async fn upload(
    state: &AppState,
    user: UserRow,
    bank_id: &str,
    name: &str,
    bytes: &[u8],
) -> Result<String, AppError> {
    let (caller, bank) = bank_checked(state, user, bank_id, AUTHORS).await?;
    if bank.status == "ARCHIVED" {
        return Err(AppError::Conflict(
            "This bank is archived: it cannot change.".into(),
        ));
    }
    let name: String = name
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '/' | '\\'))
        .take(MAX_NAME_CHARS)
        .collect();
    let content_type = shared::media::check_image(&name, bytes).map_err(AppError::Invalid)?;
    let now = now_ms();
    let mut tx = db::begin_write(&state.pool).await?;
    let id = db::bank_files::insert_or_find(
        &mut tx,
        db::bank_files::NewFile {
            id: &new_id(),
            bank_id: &bank.id,
            name: &name,
            content_type,
            sha256: &hex::encode(Sha256::digest(bytes)),
            content: bytes,
            created_by: &caller.user.id,
        },
        now,
    )
    .await?;
    audit(
        &mut tx,
        "bank.file_uploaded",
        &caller,
        &bank.org_id,
        &bank.id,
        Some(&id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(format!("/files/{id}"))
}

/// The file, if `user` may see it.
pub async fn readable(
    state: &AppState,
    user: UserRow,
    file_id: &str,
) -> Result<db::bank_files::FileRow, AppError> {
    let file = db::bank_files::find(&state.pool, file_id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such file.".into()))?;
    if db::attempt_questions::shows_file(&state.pool, &user.id, &format!("/files/{file_id}")).await? {
        return Ok(file);
    }
    bank_checked(state, user, &file.bank_id, BANK_READERS).await?;
    Ok(file)
}
