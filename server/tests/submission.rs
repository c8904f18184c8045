//! Submitting, grading, results and the deadline, on a real database.

mod common;

use common::{message, TestApp};
use serde_json::Value;

const CANDIDATE: &str = "candidate@demo.vigil.test";

async fn start(app: &TestApp, exam_id: &str) -> (reqwest::Client, String, Vec<String>) {
    let cand = app.signed_in(CANDIDATE).await;
    let sid = app.start_attempt(&cand, exam_id).await;
    let (_, data) = app.call(&cand, "exam_session", &[("session_id", &sid)]).await;
    let questions = data["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["question_id"].as_str().unwrap().to_string())
        .collect();
    (cand, sid, questions)
}

async fn save(app: &TestApp, cand: &reqwest::Client, sid: &str, qid: &str, value: &str) -> (u16, Value) {
    app.call(
        cand,
        "save_answer",
        &[
            ("session_id", sid),
            ("question_id", qid),
            ("value", value),
            ("version", "1"),
        ],
    )
    .await
}

#[tokio::test]
async fn submitting_grades_the_attempt_and_closes_it() {
    let (app, org) = TestApp::start("submit").await;
    let (cand, sid, q) = start(&app, &org.exam_id).await;
    // Right, wrong, and right with different case and spacing.
    assert_eq!(save(&app, &cand, &sid, &q[0], r#"["b"]"#).await.0, 200);
    assert_eq!(save(&app, &cand, &sid, &q[1], r#"["false"]"#).await.0, 200);
    assert_eq!(save(&app, &cand, &sid, &q[2], r#"" 443 ""#).await.0, 200);

    let (status, body) = app.call(&cand, "exam_result", &[("session_id", &sid)]).await;
    assert_eq!(status, 409, "no result before submitting: {body}");

    let (status, body) = app.call(&cand, "submit_exam", &[("session_id", &sid)]).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app.call(&cand, "submit_exam", &[("session_id", &sid)]).await;
    assert_eq!(status, 409);
    assert!(message(&body).contains("already been submitted"));

    let (status, result) = app.call(&cand, "exam_result", &[("session_id", &sid)]).await;
    assert_eq!(status, 200, "{result}");
    assert_eq!(result["score"], 2.0);
    assert_eq!(result["max_score"], 3.0);
    assert_eq!(result["percentage"], 66.7);
    assert_eq!(result["passed"], true);
    assert_eq!(result["auto_submitted"], false);
    // The demo exam shows answers and explanations after submission.
    let second = &result["questions"][1];
    assert_eq!(second["your_answer"], "False");
    assert_eq!(second["correct_answer"], "True");
    assert_eq!(second["awarded"], 0.0);
    assert!(second["explanation"].as_str().unwrap().contains("TCP"));
    // Each answer keeps the points it was given (what reviewers and reports read).
    for (qid, expected) in [(&q[0], 1.0), (&q[1], 0.0), (&q[2], 1.0)] {
        let points: Option<f64> = sqlx::query_scalar(
            "SELECT points_awarded FROM answers WHERE session_id = $1 AND question_id = $2",
        )
        .bind(&sid)
        .bind(qid)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(points, Some(expected), "question {qid}");
    }

    // Late saves are refused with a reason, and change nothing.
    let (status, body) = save(&app, &cand, &sid, &q[1], r#"["true"]"#).await;
    assert_eq!(status, 409);
    assert!(message(&body).contains("submitted"), "{body}");
    let stored: String = sqlx::query_scalar("SELECT value_json FROM answers WHERE question_id = $1")
        .bind(&q[1])
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, r#"["false"]"#);
    // The one attempt is used: starting again is refused.
    let (status, body) = app
        .call(
            &cand,
            "start_exam",
            &[("exam_id", &org.exam_id), ("consent", "true")],
        )
        .await;
    assert_eq!(status, 409);
    assert!(message(&body).contains("all your attempts"), "{body}");
    // Nobody else reads or submits it.
    let other = app.signed_in("reviewer@demo.vigil.test").await;
    assert_eq!(
        app.call(&other, "exam_result", &[("session_id", &sid)]).await.0,
        403
    );
    assert_eq!(
        app.call(&other, "submit_exam", &[("session_id", &sid)]).await.0,
        403
    );
}

#[tokio::test]
async fn the_server_submits_at_the_deadline_with_every_saved_answer() {
    let (app, org) = TestApp::start("deadline").await;
    let (cand, sid, q) = start(&app, &org.exam_id).await;
    assert_eq!(save(&app, &cand, &sid, &q[0], r#"["b"]"#).await.0, 200);

    // Nothing is due yet.
    assert_eq!(
        app::server::deadlines::sweep(&app.pool, &app.ingestor(), &app.hand_ins(), common::now_ms())
            .await
            .unwrap(),
        0
    );
    // Move the deadline into the past, as if the time had run out.
    sqlx::query("UPDATE exam_sessions SET deadline_at = $1 WHERE id = $2")
        .bind(common::now_ms() - 1_000)
        .bind(&sid)
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, body) = save(&app, &cand, &sid, &q[1], r#"["true"]"#).await;
    assert_eq!(status, 409, "a save after the deadline is refused");
    assert!(message(&body).contains("Time is up"), "{body}");

    // The running server's own job submits it within a few seconds.
    let mut result = Value::Null;
    for _ in 0..50 {
        let (status, body) = app.call(&cand, "exam_result", &[("session_id", &sid)]).await;
        if status == 200 {
            result = body;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(result["auto_submitted"], true, "{result}");
    assert_eq!(result["score"], 1.0);
    assert_eq!(result["passed"], false);
    let enrollment: String = sqlx::query_scalar(
        "SELECT status FROM enrollments n JOIN users u ON u.id = n.user_id WHERE u.email = $1",
    )
    .bind(CANDIDATE)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(enrollment, "COMPLETED");
}

#[tokio::test]
async fn extra_time_extends_the_deadline_and_essays_wait_for_a_person() {
    let (app, org) = TestApp::start("practice").await;
    let exam_id = app.practice_exam_id().await;
    assert_ne!(exam_id, org.exam_id);
    sqlx::query("UPDATE enrollments SET extra_time_minutes = 15 WHERE exam_id = $1")
        .bind(&exam_id)
        .execute(&app.pool)
        .await
        .unwrap();
    // Not proctored: no consent needed.
    let cand = app.signed_in(CANDIDATE).await;
    let sid = app.start_unproctored(&cand, &exam_id).await;
    let (started, deadline): (i64, i64) =
        sqlx::query_as("SELECT started_at, deadline_at FROM exam_sessions WHERE id = $1")
            .bind(&sid)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        deadline - started,
        (20 + 15) * 60_000,
        "20 minutes plus 15 granted"
    );

    let (_, data) = app.call(&cand, "exam_session", &[("session_id", &sid)]).await;
    // The practice exam is shuffled: find questions by kind.
    let id_of = |kind: &str| -> String {
        let q = data["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["kind"] == kind)
            .unwrap();
        q["question_id"].as_str().unwrap().to_string()
    };
    // One right and one wrong option of two: no credit. 64 is right; the essay waits.
    let answers = [
        ("MULTIPLE_CHOICE_MULTI", r#"["a","c"]"#),
        ("NUMERIC", r#""64""#),
        ("SHORT_ANSWER", r#""httponly""#),
        ("ESSAY", r#""Because salts and slowness.""#),
    ];
    for (kind, value) in answers {
        assert_eq!(
            save(&app, &cand, &sid, &id_of(kind), value).await.0,
            200,
            "{kind}"
        );
    }
    assert_eq!(
        app.call(&cand, "submit_exam", &[("session_id", &sid)]).await.0,
        200
    );
    let (_, result) = app.call(&cand, "exam_result", &[("session_id", &sid)]).await;
    assert_eq!(result["pending"], true, "{result}");
    assert_eq!(result["passed"], Value::Null, "no verdict while the essay waits");
    assert_eq!(result["score"], 2.0);
    assert_eq!(result["max_score"], 7.0);
    let multi = result["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["stem"].as_str().unwrap().contains("cross-site scripting"))
        .unwrap();
    assert_eq!(multi["awarded"], 0.0);
    let mut picked: Vec<&str> = multi["your_answer"].as_str().unwrap().split(", ").collect();
    picked.sort();
    assert_eq!(picked, vec!["Accept-Language", "Content-Security-Policy"]);
}

#[tokio::test]
async fn a_shuffled_exam_keeps_one_order_per_attempt() {
    let (app, _) = TestApp::start("shuffle").await;
    let exam_id = app.practice_exam_id().await;
    let cand = app.signed_in(CANDIDATE).await;
    let sid = app.start_unproctored(&cand, &exam_id).await;
    let order = |data: &Value| -> Vec<String> {
        data["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["stem"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, first) = app.call(&cand, "exam_session", &[("session_id", &sid)]).await;
    let (_, again) = app.call(&cand, "exam_session", &[("session_id", &sid)]).await;
    assert_eq!(order(&first), order(&again), "a reload shows the same order");
    assert_eq!(first["questions"], again["questions"], "options too");
    let mut stems = order(&first);
    stems.sort();
    let mut bank: Vec<String> = sqlx::query_scalar(
        "SELECT q.stem FROM questions q JOIN exams e ON e.bank_id = q.bank_id WHERE e.id = $1",
    )
    .bind(&exam_id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    bank.sort();
    assert_eq!(stems, bank, "every question exactly once");
}

#[tokio::test]
async fn the_dashboard_says_which_exams_can_be_started_and_why_not() {
    let (app, org) = TestApp::start("dashboard").await;
    let cand = app.signed_in(CANDIDATE).await;
    let availability = |list: &Value, id: &str| -> (String, i64) {
        let e = list
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["exam_id"] == id)
            .unwrap();
        (
            e["availability"].as_str().unwrap().to_string(),
            e["attempts_used"].as_i64().unwrap(),
        )
    };
    let (_, list) = app.call(&cand, "my_exams", &[]).await;
    // The midterm, the practice quiz and the two camera exams.
    assert_eq!(list.as_array().unwrap().len(), 4, "every demo exam: {list}");
    assert_eq!(availability(&list, &org.exam_id), ("Open".into(), 0));

    let sid = app.start_attempt(&cand, &org.exam_id).await;
    let (_, list) = app.call(&cand, "my_exams", &[]).await;
    assert_eq!(availability(&list, &org.exam_id), ("InProgress".into(), 1));
    app.call(&cand, "submit_exam", &[("session_id", &sid)]).await;
    let (_, list) = app.call(&cand, "my_exams", &[]).await;
    assert_eq!(availability(&list, &org.exam_id), ("AttemptsUsed".into(), 1));

    // Move the other exam's window: first into the future, then into the past.
    let practice: String = sqlx::query_scalar("SELECT id FROM exams WHERE id <> $1 AND title = $2")
        .bind(&org.exam_id)
        .bind("Web Security — Practice Quiz")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let day = 86_400_000;
    sqlx::query("UPDATE exams SET opens_at = $1, closes_at = $2 WHERE id = $3")
        .bind(common::now_ms() + day)
        .bind(common::now_ms() + 2 * day)
        .bind(&practice)
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, list) = app.call(&cand, "my_exams", &[]).await;
    assert_eq!(availability(&list, &practice).0, "Upcoming");
    let (status, body) = app
        .call(
            &cand,
            "start_exam",
            &[("exam_id", &practice), ("consent", "true")],
        )
        .await;
    assert_eq!(status, 409);
    assert!(message(&body).contains("not opened yet"));
    sqlx::query("UPDATE exams SET opens_at = $1, closes_at = $2 WHERE id = $3")
        .bind(common::now_ms() - 2 * day)
        .bind(common::now_ms() - day)
        .bind(&practice)
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, list) = app.call(&cand, "my_exams", &[]).await;
    assert_eq!(availability(&list, &practice).0, "Closed");
}

/// Saves waiting at the same moment share one commit, and each keeps its own outcome: an open
/// attempt's saves are all stored (the newest version of each answer wins, whatever order they
/// arrive in), while a submitted attempt's saves in the same commit are refused with a reason.
#[tokio::test]
async fn saves_sharing_a_commit_keep_their_own_outcomes() {
    use app::server::answer_writer::{AnswerWriter, Save};
    let (app, org) = TestApp::start("shared-saves").await;
    let seeded = app::server::review_seed::seed_review(&app.pool, 2, 1)
        .await
        .unwrap();
    let (_cand, open, q) = start(&app, &org.exam_id).await;
    let open = app::server::db::exam_sessions::find(&app.pool, &open)
        .await
        .unwrap()
        .unwrap();
    let submitted_id: String = sqlx::query_scalar(
        "SELECT id FROM exam_sessions WHERE org_id = $1 AND submitted_at IS NOT NULL LIMIT 1",
    )
    .bind(&seeded.org_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let submitted = app::server::db::exam_sessions::find(&app.pool, &submitted_id)
        .await
        .unwrap()
        .unwrap();

    let writer = AnswerWriter::start(app.pool.clone());
    let now = common::now_ms();
    let save = |s: &app::server::db::exam_sessions::ExamSessionRow, question: &str, version: i64| Save {
        session_id: s.id.clone(),
        user_id: s.user_id.clone(),
        deadline_at: s.deadline_at,
        question_id: question.to_string(),
        value: format!("[\"v{version}\"]"),
        version,
        now,
    };
    // Versions 1..=10 of two answers, newest first for one and oldest first for the other,
    // interleaved with saves to the submitted attempt, and one in the open attempt's name by
    // someone else (the attempt is taken for a batch of saves; each is checked for its person).
    let mut saves = Vec::new();
    for v in 1..=10_i64 {
        saves.push((true, save(&open, &q[0], 11 - v)));
        saves.push((true, save(&open, &q[1], v)));
        saves.push((false, save(&submitted, &q[0], v)));
    }
    saves.insert(
        7,
        (
            false,
            Save {
                user_id: submitted.user_id.clone(),
                ..save(&open, &q[1], 99)
            },
        ),
    );
    let outcomes = futures_util::future::join_all(saves.into_iter().map(|(open, s)| {
        let writer = writer.clone();
        async move { (open, writer.write(s).await) }
    }))
    .await;
    for (open, outcome) in outcomes {
        if open {
            assert!(outcome.is_ok(), "{outcome:?}");
        } else {
            // Refused with the reason (its deadline has passed too: "Time is up").
            let e = outcome.expect_err("a submitted attempt takes no answer");
            assert!(matches!(e, app::error::AppError::Conflict(_)), "{e:?}");
        }
    }
    let stored: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT question_id, value_json, version FROM answers WHERE session_id = $1 ORDER BY question_id",
    )
    .bind(&open.id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut expected = vec![
        (q[0].clone(), "[\"v10\"]".to_string(), 10),
        (q[1].clone(), "[\"v10\"]".to_string(), 10),
    ];
    expected.sort();
    assert_eq!(stored, expected, "the newest version of each answer");
    let touched: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM answers WHERE session_id = $1 AND updated_at >= $2")
            .bind(&submitted_id)
            .bind(now)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(touched, 0, "the submitted attempt's answers are as they were");
}

#[tokio::test]
async fn an_attempt_handed_in_twice_at_once_is_graded_once() {
    // A double click, or the deadline job and the candidate in the same moment: both hand-ins
    // may share one commit, and the second must still be refused.
    let (app, org) = TestApp::start("submit-twice").await;
    let (cand, sid, q) = start(&app, &org.exam_id).await;
    assert_eq!(save(&app, &cand, &sid, &q[0], r#"["b"]"#).await.0, 200);
    // The deadline has just passed.
    let now = common::now_ms();
    sqlx::query("UPDATE exam_sessions SET deadline_at = $1 WHERE id = $2")
        .bind(now - 1)
        .bind(&sid)
        .execute(&app.pool)
        .await
        .unwrap();
    let form = [("session_id", sid.as_str())];
    let hand_in = || app.call(&cand, "submit_exam", &form);
    let (hand_ins, ingestor) = (app.hand_ins(), app.ingestor());
    let deadline = app::server::deadlines::sweep(&app.pool, &ingestor, &hand_ins, now);
    let (first, second, swept) = tokio::join!(hand_in(), hand_in(), deadline);
    let mut statuses = vec![first.0, second.0];
    statuses.sort_unstable();
    let swept = swept.expect("the deadline job runs");
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count() + swept,
        1,
        "handed in exactly once: {statuses:?}, {swept} by the deadline job"
    );
    assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "{statuses:?}");
    let (status, result) = app.call(&cand, "exam_result", &[("session_id", &sid)]).await;
    assert_eq!(status, 200, "{result}");
    assert_eq!(result["score"], 1.0);
}
