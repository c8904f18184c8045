//! The exam builder's doors: each checks what comes in and hands it to
//! `server::exams`, which checks who may.

use crate::error::AppError;
use crate::model::exams::{BankChoice, BuilderView, BuiltExam, ExamAction, SectionInput, SettingsInput};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::check_id;

/// Approved banks the caller may build exams from.
#[server(prefix = "/api", endpoint = "builder_banks")]
pub async fn builder_banks() -> Result<Vec<BankChoice>, AppError> {
    use crate::server::{exams, respond, state};
    respond(async { exams::builder::banks(&state()?).await }.await)
}

/// The exams of the organisations where the caller coordinates exams.
#[server(prefix = "/api", endpoint = "built_exams")]
pub async fn built_exams() -> Result<Vec<BuiltExam>, AppError> {
    use crate::server::{exams, respond, state};
    respond(async { exams::builder::list(&state()?).await }.await)
}

/// A new draft exam from an approved bank; returns its id.
#[server(prefix = "/api", endpoint = "create_exam")]
pub async fn create_exam(bank_id: String, title: String) -> Result<String, AppError> {
    use crate::server::{exams, respond, state};
    respond(
        async {
            check_id(&bank_id)?;
            exams::builder::create(&state()?, &bank_id, &title).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "exam_builder")]
pub async fn exam_builder(exam_id: String) -> Result<BuilderView, AppError> {
    use crate::server::{exams, respond, state};
    respond(
        async {
            check_id(&exam_id)?;
            exams::view::view(&state()?, &exam_id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "save_exam_settings", input = Json)]
pub async fn save_exam_settings(exam_id: String, settings: SettingsInput) -> Result<(), AppError> {
    use crate::server::{exams, respond, state};
    respond(
        async {
            check_id(&exam_id)?;
            exams::builder::save(&state()?, &exam_id, &settings).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "exam_action", input = Json)]
pub async fn act_on_exam(exam_id: String, action: ExamAction) -> Result<(), AppError> {
    use crate::server::{exams, respond, state};
    respond(
        async {
            check_id(&exam_id)?;
            exams::builder::act(&state()?, &exam_id, action).await
        }
        .await,
    )
}

/// Adds a section; returns its id.
#[server(prefix = "/api", endpoint = "add_section", input = Json)]
pub async fn add_section(exam_id: String, section: SectionInput) -> Result<String, AppError> {
    use crate::server::{exams, respond, state};
    respond(
        async {
            check_id(&exam_id)?;
            check_id(&section.bank_id)?;
            exams::sections::add(&state()?, &exam_id, section).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "remove_section")]
pub async fn remove_section(section_id: String) -> Result<(), AppError> {
    use crate::server::{exams, respond, state};
    respond(
        async {
            check_id(&section_id)?;
            exams::sections::remove(&state()?, &section_id).await
        }
        .await,
    )
}

/// Adds (`add`) or removes an approved question version of a fixed section.
#[server(prefix = "/api", endpoint = "section_question")]
pub async fn section_question(section_id: String, version_id: String, add: bool) -> Result<(), AppError> {
    use crate::server::{exams, respond, state};
    respond(
        async {
            check_id(&section_id)?;
            check_id(&version_id)?;
            let state = state()?;
            if add {
                exams::sections::add_question(&state, &section_id, &version_id).await
            } else {
                exams::sections::remove_question(&state, &section_id, &version_id).await
            }
        }
        .await,
    )
}
