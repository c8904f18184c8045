//! Downloads, so plain routes rather than server functions: an exam's attempts
//! (`sessions.csv`), its flags (`flags.csv`) and its item analysis (`items.csv`) for its staff,
//! and `GET /exports/my-data.json`, everything Vigil holds about the signed-in person, for them.

use crate::routes::ServerState;
use app::error::AppError;
use app::model::reports::ReportFilter;
use app::server::db::exams::ExamRow;
use app::server::{auth, db, export, guard, privacy, reports, AppState};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};

/// The exam, and the signed-in caller if they hold one of `allowed` in its organisation.
async fn exam_for(
    app: &AppState,
    headers: &HeaderMap,
    exam_id: &str,
    allowed: &[shared::Role],
) -> Result<(db::users::UserRow, ExamRow), AppError> {
    if exam_id.len() > 64 {
        return Err(AppError::Invalid("That exam id is malformed.".into()));
    }
    let user = auth::user_for_token(app, auth::token_from_headers(app, headers)).await?;
    let exam = db::exams::find(&app.pool, exam_id)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such exam.".into()))?;
    let caller = guard::check(app, user, &exam.org_id, allowed).await?;
    Ok((caller.user, exam))
}

/// A CSV download named after the exam.
fn csv_file(result: Result<(ExamRow, String), AppError>, what: &str) -> Response {
    match result {
        Ok((exam, csv)) => {
            let name: String = exam
                .title
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            let disposition = format!("attachment; filename=\"{name}-{what}.csv\"");
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                csv,
            )
                .into_response()
        }
        Err(e) => e.into_response(),
    }
}

pub async fn sessions_csv(
    State(state): State<ServerState>,
    Path(exam_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let app = state.app;
    let result = async {
        let (_, exam) = exam_for(&app, &headers, &exam_id, export::SESSION_EXPORTERS).await?;
        let csv = export::sessions_csv(&app.pool, &exam.id).await?;
        Ok((exam, csv))
    }
    .await;
    csv_file(result, "sessions")
}

pub async fn flags_csv(
    State(state): State<ServerState>,
    Path(exam_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let app = state.app;
    let result = async {
        let (_, exam) = exam_for(&app, &headers, &exam_id, export::SESSION_EXPORTERS).await?;
        let csv = export::flags_csv(&app.pool, &exam.id).await?;
        Ok((exam, csv))
    }
    .await;
    csv_file(result, "flags")
}

/// The item analysis over the attempts the query's filter admits (as the report page shows it).
pub async fn items_csv(
    State(state): State<ServerState>,
    Path(exam_id): Path<String>,
    Query(filter): Query<ReportFilter>,
    headers: HeaderMap,
) -> Response {
    let app = state.app;
    let result = async {
        let (_, exam) = exam_for(&app, &headers, &exam_id, shared::roles::REPORT_READERS).await?;
        let report = reports::compute(&app.pool, exam.clone(), &filter).await?;
        Ok((exam, export::items_csv(&report)))
    }
    .await;
    csv_file(result, "items")
}

pub async fn my_data(State(state): State<ServerState>, headers: HeaderMap) -> Response {
    let app = state.app;
    let result = async {
        let user = auth::user_for_token(&app, auth::token_from_headers(&app, &headers)).await?;
        let data = privacy::export(&app, &user.id).await?;
        serde_json::to_string_pretty(&data).map_err(|_| AppError::Internal)
    }
    .await;
    match result {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "application/json; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"my-vigil-data.json\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}
