//! Essays graded by a person with feedback: the score, pass/fail and the candidate's result
//! follow; bad grades and the wrong people are refused.

mod common;

use common::{message, TestApp};
use serde_json::{json, Value};

const CANDIDATE: &str = "candidate@demo.vigil.test";
const AUTHOR: &str = "author@demo.vigil.test";

/// The demo candidate answers the practice exam (objective answers worth 2 of 7 points and an
/// essay) and submits. Returns the session id.
async fn submitted_practice_attempt(app: &TestApp) -> String {
    let exam_id = app.practice_exam_id().await;
    let cand = app.signed_in(CANDIDATE).await;
    let sid = app.start_unproctored(&cand, &exam_id).await;
    let (_, data) = app.call(&cand, "exam_session", &[("session_id", &sid)]).await;
    let id_of = |kind: &str| -> String {
        data["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["kind"] == kind)
            .unwrap()["question_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    for (kind, value) in [
        ("NUMERIC", r#""64""#),
        ("SHORT_ANSWER", r#""httponly""#),
        ("ESSAY", r#""Salted, slow hashes resist offline guessing.""#),
    ] {
        let (status, body) = app
            .call(
                &cand,
                "save_answer",
                &[
                    ("session_id", &sid),
                    ("question_id", &id_of(kind)),
                    ("value", value),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{kind}: {body}");
    }
    assert_eq!(
        app.call(&cand, "submit_exam", &[("session_id", &sid)]).await.0,
        200
    );
    sid
}

fn essay_of(sheet: &Value) -> (String, i64) {
    let q = sheet["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["needs_person"] == true)
        .unwrap();
    (
        q["question_id"].as_str().unwrap().to_string(),
        q["points"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn an_instructor_grades_the_essay_and_the_candidate_sees_score_and_feedback() {
    let (app, _) = TestApp::start("grading").await;
    let sid = submitted_practice_attempt(&app).await;
    let author = app.signed_in(AUTHOR).await;

    let (status, queue) = app.call(&author, "grading_queue", &[]).await;
    assert_eq!(status, 200, "{queue}");
    assert_eq!(queue.as_array().unwrap().len(), 1);
    assert_eq!(queue[0]["session_id"], sid.as_str());
    let (status, sheet) = app.call(&author, "grading_sheet", &[("session_id", &sid)]).await;
    assert_eq!(status, 200, "{sheet}");
    let (essay, max) = essay_of(&sheet);
    let answer = sheet["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["question_id"] == essay.as_str())
        .unwrap()["answer"]
        .clone();
    assert_eq!(answer, "Salted, slow hashes resist offline guessing.");

    let grades = json!({
        "session_id": sid,
        "grades": [{ "question_id": essay, "points": max as f64, "feedback": "Clear and complete." }]
    });
    let (status, body) = app.call_json(&author, "grade_essays", &grades).await;
    assert_eq!(status, 200, "{body}");

    let cand = app.signed_in(CANDIDATE).await;
    let (_, result) = app.call(&cand, "exam_result", &[("session_id", &sid)]).await;
    assert_eq!(result["pending"], false, "{result}");
    assert_eq!(result["score"].as_f64().unwrap(), 2.0 + max as f64);
    assert!(result["passed"].is_boolean());
    let graded = result["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["feedback"].is_string())
        .unwrap();
    assert_eq!(graded["feedback"], "Clear and complete.");
    assert_eq!(graded["awarded"].as_f64().unwrap(), max as f64);

    let (_, queue) = app.call(&author, "grading_queue", &[]).await;
    assert_eq!(
        queue.as_array().unwrap().len(),
        0,
        "graded attempts leave the queue"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM exam_sessions WHERE graded_by IS NOT NULL")
            .await,
        1
    );
}

#[tokio::test]
async fn bad_grades_and_the_wrong_people_are_refused_without_changes() {
    let (app, _) = TestApp::start("grading-bad").await;
    let sid = submitted_practice_attempt(&app).await;
    let author = app.signed_in(AUTHOR).await;
    let (_, sheet) = app.call(&author, "grading_sheet", &[("session_id", &sid)]).await;
    let (essay, max) = essay_of(&sheet);
    let objective = sheet["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["needs_person"] == false)
        .unwrap()["question_id"]
        .as_str()
        .unwrap()
        .to_string();

    let cases = [
        (
            json!([{ "question_id": essay, "points": (max + 1) as f64, "feedback": "" }]),
            "between 0 and",
        ),
        (
            json!([{ "question_id": essay, "points": -1.0, "feedback": "" }]),
            "between 0 and",
        ),
        (json!([]), "every essay"),
        (
            json!([{ "question_id": objective, "points": 1.0, "feedback": "" }]),
            "not an essay",
        ),
        (
            json!([{ "question_id": essay, "points": 1.0, "feedback": "x".repeat(5_001) }]),
            "5000 characters",
        ),
    ];
    for (grades, expected) in cases {
        let (status, body) = app
            .call_json(
                &author,
                "grade_essays",
                &json!({ "session_id": sid, "grades": grades }),
            )
            .await;
        assert_eq!(status, 400, "{body}");
        assert!(message(&body).contains(expected), "{expected}: {body}");
    }
    let (status, _) = app
        .call_json(
            &author,
            "grade_essays",
            &json!({ "session_id": sid, "grades": "lots" }),
        )
        .await;
    assert!(
        (400..500).contains(&status),
        "a malformed body is a client error, got {status}"
    );

    let good =
        json!({ "session_id": sid, "grades": [{ "question_id": essay, "points": 1.0, "feedback": "" }] });
    for who in [CANDIDATE, "reviewer@demo.vigil.test"] {
        let client = app.signed_in(who).await;
        let (status, _) = app.call_json(&client, "grade_essays", &good).await;
        assert_eq!(status, 403, "{who} may not grade");
    }
    let (status, _) = app.call_json(&app.client(), "grade_essays", &good).await;
    assert_eq!(status, 401);

    let (status, grade): (String, Option<f64>) =
        sqlx::query_as("SELECT grading_status, score FROM exam_sessions WHERE id = $1")
            .bind(&sid)
            .fetch_one(&app.pool)
            .await
            .map(|(s, p): (String, Option<f64>)| (s, p))
            .unwrap();
    assert_eq!(status, "PENDING", "nothing changed");
    assert_eq!(grade, Some(2.0));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM answers WHERE feedback IS NOT NULL")
            .await,
        0
    );
}
