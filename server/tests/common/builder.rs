//! What the exam builder's tests share: the demo's people, and calls that build an exam.

use super::TestApp;
use app::server::exams::zone;
use serde_json::{json, Value};

pub const COORDINATOR: &str = "coordinator@demo.vigil.test";
pub const AUTHOR: &str = "author@demo.vigil.test";
pub const QA: &str = "qa@demo.vigil.test";
pub const CANDIDATE: &str = "candidate@demo.vigil.test";

pub async fn approved_banks(app: &TestApp, org_id: &str) -> Vec<String> {
    // The largest first.
    sqlx::query_scalar(
        "SELECT b.id FROM question_banks b WHERE b.org_id = $1 AND b.status = 'APPROVED' \
         ORDER BY (SELECT COUNT(*) FROM questions q WHERE q.bank_id = b.id) DESC, b.name",
    )
    .bind(org_id)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

pub async fn view(app: &TestApp, client: &reqwest::Client, exam_id: &str) -> Value {
    let (status, v) = app.call(client, "exam_builder", &[("exam_id", exam_id)]).await;
    assert_eq!(status, 200, "{v}");
    v
}

pub async fn act(app: &TestApp, client: &reqwest::Client, exam_id: &str, action: &str) -> (u16, Value) {
    app.call_json(
        client,
        "exam_action",
        &json!({"exam_id": exam_id, "action": action}),
    )
    .await
}

pub async fn add_question(
    app: &TestApp,
    client: &reqwest::Client,
    section_id: &str,
    version_id: &str,
) -> (u16, Value) {
    app.call(
        client,
        "section_question",
        &[
            ("section_id", section_id),
            ("version_id", version_id),
            ("add", "true"),
        ],
    )
    .await
}

/// The settings with the window from `opens` to `closes` (UTC ms), written as the builder's
/// form writes them in the organisation's zone.
pub fn with_window(view: &Value, opens: i64, closes: i64) -> Value {
    let zone_name = view["time_zone"].as_str().unwrap();
    let mut s = view["settings"].clone();
    s["opens_local"] = json!(zone::to_local(opens, zone_name));
    s["closes_local"] = json!(zone::to_local(closes, zone_name));
    s
}

pub async fn enroll(app: &TestApp, exam_id: &str, email: &str) {
    sqlx::query(
        "INSERT INTO enrollments (id, exam_id, user_id, status, created_at) \
         SELECT $1, $2, id, 'ACCEPTED', 0 FROM users WHERE email = $3",
    )
    .bind(format!("enrollment-{exam_id}"))
    .bind(exam_id)
    .bind(email)
    .execute(&app.pool)
    .await
    .unwrap();
}
