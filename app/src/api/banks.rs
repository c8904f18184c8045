//! The authoring doors: who may call, what goes in. The work is in `server::authoring`.

use crate::error::AppError;
use crate::model::authoring::{Bank, BankOrg, BankSummary, QuestionHistory, Saved};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use shared::authoring::{AuthoringAction, AuthoringStatus};
use shared::question::QuestionContent;

#[cfg(feature = "ssr")]
use super::check_id;

/// The organisations whose banks the caller may read.
#[server(prefix = "/api", endpoint = "bank_orgs")]
pub async fn bank_orgs() -> Result<Vec<BankOrg>, AppError> {
    use crate::server::{authoring, respond, state};
    respond(async { authoring::banks::orgs(&state()?).await }.await)
}

/// The question banks of an organisation, matching `search` (name or description).
#[server(prefix = "/api", endpoint = "banks")]
pub async fn list_banks(org_id: String, search: Option<String>) -> Result<Vec<BankSummary>, AppError> {
    use crate::server::{authoring, respond, state};
    respond(
        async {
            check_id(&org_id)?;
            authoring::banks::list(&state()?, &org_id, search.as_deref().unwrap_or_default()).await
        }
        .await,
    )
}

/// Creates a draft bank; tags are comma-separated. Returns its id.
#[server(prefix = "/api", endpoint = "create_bank")]
pub async fn create_bank(
    org_id: String,
    name: String,
    description: Option<String>,
    tags: Option<String>,
) -> Result<String, AppError> {
    use crate::server::{authoring, respond, state};
    respond(
        async {
            check_id(&org_id)?;
            let description = description.unwrap_or_default();
            authoring::banks::create(
                &state()?,
                &org_id,
                &name,
                &description,
                tags.as_deref().unwrap_or_default(),
            )
            .await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "update_bank")]
pub async fn update_bank(
    bank_id: String,
    name: String,
    description: Option<String>,
    tags: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{authoring, respond, state};
    respond(
        async {
            check_id(&bank_id)?;
            let description = description.unwrap_or_default();
            authoring::banks::update(
                &state()?,
                &bank_id,
                &name,
                &description,
                tags.as_deref().unwrap_or_default(),
            )
            .await
        }
        .await,
    )
}

/// A bank and the latest version of each of its questions.
#[server(prefix = "/api", endpoint = "bank")]
pub async fn get_bank(bank_id: String) -> Result<Bank, AppError> {
    use crate::server::{authoring, respond, state};
    respond(
        async {
            check_id(&bank_id)?;
            authoring::banks::detail(&state()?, &bank_id).await
        }
        .await,
    )
}

/// Moves a bank through review (submitting it submits its drafts).
#[server(prefix = "/api", endpoint = "bank_action", input = Json)]
pub async fn bank_action(bank_id: String, action: AuthoringAction) -> Result<AuthoringStatus, AppError> {
    use crate::server::{authoring, respond, state};
    respond(
        async {
            check_id(&bank_id)?;
            authoring::banks::act(&state()?, &bank_id, action).await
        }
        .await,
    )
}

/// Saves a question into a bank: new (no `question_id`), a draft changed in place, or a new
/// version of an approved one. Bad content is refused field by field.
#[server(prefix = "/api", endpoint = "save_question", input = Json)]
pub async fn save_question(
    bank_id: String,
    question_id: Option<String>,
    content: QuestionContent,
) -> Result<Saved, AppError> {
    use crate::server::{authoring, respond, state};
    respond(
        async {
            check_id(&bank_id)?;
            if let Some(id) = &question_id {
                check_id(id)?;
            }
            authoring::questions::save(&state()?, &bank_id, question_id.as_deref(), content).await
        }
        .await,
    )
}

/// Moves a question's latest version through review.
#[server(prefix = "/api", endpoint = "question_action", input = Json)]
pub async fn question_action(
    version_id: String,
    action: AuthoringAction,
) -> Result<AuthoringStatus, AppError> {
    use crate::server::{authoring, respond, state};
    respond(
        async {
            check_id(&version_id)?;
            authoring::questions::act(&state()?, &version_id, action).await
        }
        .await,
    )
}

/// Every version of a question and every change of their states.
#[server(prefix = "/api", endpoint = "question_history")]
pub async fn get_question_history(question_id: String) -> Result<QuestionHistory, AppError> {
    use crate::server::{authoring, respond, state};
    respond(
        async {
            check_id(&question_id)?;
            authoring::questions::history(&state()?, &question_id).await
        }
        .await,
    )
}

/// Writes what an import's preview showed (the preview is `POST /api/banks/{id}/import`, a
/// plain route that takes the file as the request body).
#[server(prefix = "/api", endpoint = "commit_import")]
pub async fn commit_import(upload_id: String) -> Result<crate::model::authoring::ImportResult, AppError> {
    use crate::server::{authoring, respond, state};
    respond(
        async {
            check_id(&upload_id)?;
            authoring::import::commit(&state()?, &upload_id).await
        }
        .await,
    )
}

/// Copies a question's latest version into a new draft in the same bank.
#[server(prefix = "/api", endpoint = "duplicate_question")]
pub async fn duplicate_question(question_id: String) -> Result<Saved, AppError> {
    use crate::server::{authoring, respond, state};
    respond(
        async {
            check_id(&question_id)?;
            authoring::questions::duplicate(&state()?, &question_id).await
        }
        .await,
    )
}

/// A question text as the player will show it: Markdown or HTML made safe HTML on the server,
/// by the same code that renders it for candidates (`None`: plain text, shown as typed).
#[server(prefix = "/api", endpoint = "render_text", input = Json)]
pub async fn render_text(text: shared::question::Text) -> Result<Option<String>, AppError> {
    use crate::server::{auth, render, respond, state};
    respond(
        async {
            auth::current_user(&state()?).await?;
            if text.text.len() > shared::question::limits::TEXT_BYTES {
                return Err(AppError::Invalid("This text is too long (at most 64 KB).".into()));
            }
            Ok(render::html_of(&text))
        }
        .await,
    )
}

/// The same review action on each of the selected question versions.
#[server(prefix = "/api", endpoint = "bulk_question_action", input = Json)]
pub async fn bulk_question_action(
    version_ids: Vec<String>,
    action: AuthoringAction,
) -> Result<crate::model::authoring::BulkReport, AppError> {
    use crate::server::{authoring, respond, state};
    respond(async { authoring::bulk::act(&state()?, &version_ids, action).await }.await)
}

/// Moves questions from `bank_id` to `to_bank_id` (same organisation), all or none.
#[server(prefix = "/api", endpoint = "move_questions", input = Json)]
pub async fn move_questions(
    bank_id: String,
    question_ids: Vec<String>,
    to_bank_id: String,
) -> Result<crate::model::authoring::BulkReport, AppError> {
    use crate::server::{authoring, respond, state};
    respond(
        async {
            check_id(&bank_id)?;
            check_id(&to_bank_id)?;
            authoring::bulk::move_to(&state()?, &bank_id, &question_ids, &to_bank_id).await
        }
        .await,
    )
}
