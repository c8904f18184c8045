//! Reports for an exam's staff: thin doors onto [`crate::server::reports`].

use crate::error::AppError;
use crate::model::reports::{AttemptMatches, ExamReport, QuestionUsage, ReportableExam};
use crate::model::GradingSheet;
use leptos::prelude::*;
use shared::statistics::AttemptChoice;

/// The exams the caller may read reports of.
#[server(prefix = "/api", endpoint = "report_exams")]
pub async fn report_exams() -> Result<Vec<ReportableExam>, AppError> {
    use crate::server::{reports, respond, state};
    respond(async { reports::reportable(&state()?).await }.await)
}

/// An exam's report and item analysis, over the attempts the filter admits (the fields of
/// [`ReportFilter`], flat, so a query string reads `attempts=ALL&department=…`).
#[server(prefix = "/api", endpoint = "exam_report")]
pub async fn get_exam_report(
    exam_id: String,
    attempts: AttemptChoice,
    department: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<ExamReport, AppError> {
    use crate::model::reports::ReportFilter;
    use crate::server::{reports, respond, state};
    respond(
        async {
            super::check_id(&exam_id)?;
            let filter = ReportFilter {
                attempts,
                department,
                from,
                to,
            };
            reports::exam_report(&state()?, &exam_id, &filter).await
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

/// Submitted attempts of an exam whose candidate's name or email holds `search`.
#[server(prefix = "/api", endpoint = "report_attempts")]
pub async fn report_attempts(exam_id: String, search: String) -> Result<AttemptMatches, AppError> {
    use crate::server::{reports, respond, state};
    respond(
        async {
            super::check_id(&exam_id)?;
            reports::find_attempts(&state()?, &exam_id, &search).await
        }
        .await,
    )
}

/// A submitted attempt's answers, to read or print.
#[server(prefix = "/api", endpoint = "answer_sheet")]
pub async fn answer_sheet(session_id: String) -> Result<GradingSheet, AppError> {
    use crate::server::{reports, respond, state};
    respond(
        async {
            super::check_id(&session_id)?;
            reports::answer_sheet(&state()?, &session_id).await
        }
        .await,
    )
}
