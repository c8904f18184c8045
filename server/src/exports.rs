//! Downloads, so plain routes rather than server functions:
//! `GET /exports/exams/{exam_id}/sessions.csv`, an exam's attempts with their review outcome,
//! for the exam's staff; `GET /exports/my-data.json`, everything Vigil holds about the
//! signed-in person, for them.

use crate::routes::ServerState;
use app::error::AppError;
use app::server::{auth, db, export, guard, privacy};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};

pub async fn sessions_csv(
    State(state): State<ServerState>,
    Path(exam_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let app = state.app;
    let result = async {
        if exam_id.len() > 64 {
            return Err(AppError::Invalid("That exam id is malformed.".into()));
        }
        let user = auth::user_for_token(&app, auth::token_from_headers(&app, &headers)).await?;
        let exam = db::exams::find(&app.pool, &exam_id)
            .await?
            .ok_or_else(|| AppError::NotFound("There is no such exam.".into()))?;
        guard::check(&app, user, &exam.org_id, export::SESSION_EXPORTERS).await?;
        let csv = export::sessions_csv(&app.pool, &exam.id).await?;
        Ok((exam, csv))
    }
    .await;
    match result {
        Ok((exam, csv)) => {
            let name: String = exam
                .title
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            let disposition = format!("attachment; filename=\"{name}-sessions.csv\"");
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
