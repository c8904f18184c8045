//! The grader's server functions: attempts whose essays wait, one attempt's sheet, and
//! recording points with feedback.

use crate::error::AppError;
use crate::model::{EssayGrade, GradingItem, GradingSheet};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "grading_queue")]
pub async fn grading_queue() -> Result<Vec<GradingItem>, AppError> {
    use crate::server::{grading, respond, state};
    respond(async { grading::queue(&state()?).await }.await)
}

#[server(prefix = "/api", endpoint = "grading_sheet")]
pub async fn get_grading_sheet(session_id: String) -> Result<GradingSheet, AppError> {
    use crate::server::{grading, respond, state};
    respond(async { grading::sheet(&state()?, &session_id).await }.await)
}

/// Grades every essay of a submitted attempt at once (JSON: a list of grades does not fit a
/// flat form).
#[server(prefix = "/api", endpoint = "grade_essays", input = Json)]
pub async fn grade_essays(session_id: String, grades: Vec<EssayGrade>) -> Result<(), AppError> {
    use crate::server::{grading, respond, state};
    respond(async { grading::grade(&state()?, &session_id, &grades).await }.await)
}
