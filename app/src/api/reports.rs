//! Reports for an exam's staff: thin doors onto [`crate::server::reports`].

use crate::error::AppError;
use crate::model::reports::{ExamReport, QuestionUsage, ReportableExam};
use leptos::prelude::*;
use shared::statistics::AttemptChoice;

/// The exams the caller may read reports of.
#[server(prefix = "/api", endpoint = "report_exams")]
pub async fn report_exams() -> Result<Vec<ReportableExam>, AppError> {
    use crate::server::{reports, respond, state};
    respond(async { reports::reportable(&state()?).await }.await)
}

/// An exam's report and item analysis, over the chosen attempts of each candidate.
#[server(prefix = "/api", endpoint = "exam_report")]
pub async fn get_exam_report(exam_id: String, attempts: AttemptChoice) -> Result<ExamReport, AppError> {
    use crate::server::{reports, respond, state};
    respond(
        async {
            super::check_id(&exam_id)?;
            reports::exam_report(&state()?, &exam_id, attempts).await
        }
        .await,
    )
}

/// How each question of a bank has done in the exams that used it.
#[server(prefix = "/api", endpoint = "bank_usage")]
pub async fn bank_usage(bank_id: String) -> Result<Vec<QuestionUsage>, AppError> {
    use crate::server::{reports, respond, state};
    respond(
        async {
            super::check_id(&bank_id)?;
            reports::bank_usage(&state()?, &bank_id).await
        }
        .await,
    )
}
