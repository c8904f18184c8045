mod common;

use common::{message, TestApp};
use serde_json::{json, Value};

const CANDIDATE: &str = "candidate@demo.vigil.test";

fn event(session_id: &str, seq: i64, client_ms: i64, kind: &str) -> Value {
    json!({"v": 1, "session_id": session_id, "seq": seq, "client_ms": client_ms, "kind": {"type": kind}})
}

async fn started(app: &TestApp, exam_id: &str) -> (reqwest::Client, String) {
    let cand = app.signed_in(CANDIDATE).await;
    let (status, body) = app
        .call(&cand, "start_exam", &[("exam_id", exam_id), ("consent", "false")])
        .await;
    assert_eq!(status, 400, "consent is required when proctoring is on");
    assert!(message(&body).contains("agree"));
    assert_eq!(app.count("SELECT COUNT(*) FROM exam_sessions").await, 0);
    let (status, body) = app
        .call(&cand, "start_exam", &[("exam_id", exam_id), ("consent", "true")])
        .await;
    assert_eq!(status, 200, "{body}");
    let session_id = body.as_str().unwrap().to_string();
    // Starting again resumes the same attempt.
    let (_, again) = app
        .call(&cand, "start_exam", &[("exam_id", exam_id), ("consent", "true")])
        .await;
    assert_eq!(again.as_str(), Some(session_id.as_str()));
    (cand, session_id)
}

#[tokio::test]
async fn answers_are_saved_on_the_server_and_never_overwritten_by_older_saves() {
    let (app, org) = TestApp::start("answers").await;
    let (cand, session_id) = started(&app, &org.exam_id).await;
    let (status, data) = app
        .call(&cand, "exam_session", &[("session_id", &session_id)])
        .await;
    assert_eq!(status, 200, "{data}");
    assert_eq!(data["status"], "IN_PROGRESS");
    let q = data["questions"][0]["question_id"].as_str().unwrap().to_string();
    assert_eq!(data["questions"][0]["saved"], Value::Null);
    assert!(
        data["questions"][0].get("answer_json").is_none(),
        "the correct answer never reaches the candidate"
    );

    let save = |value: &'static str, version: &'static str| {
        let (cand, q, sid) = (cand.clone(), q.clone(), session_id.clone());
        let app = &app;
        async move {
            app.call(
                &cand,
                "save_answer",
                &[
                    ("session_id", &sid),
                    ("question_id", &q),
                    ("value", value),
                    ("version", version),
                ],
            )
            .await
        }
    };
    assert_eq!(save(r#"["b"]"#, "2").await.0, 200);
    assert_eq!(
        save(r#"["a"]"#, "1").await.0,
        200,
        "an older save is accepted but ignored"
    );
    let (_, data) = app
        .call(&cand, "exam_session", &[("session_id", &session_id)])
        .await;
    assert_eq!(data["questions"][0]["saved"], r#"["b"]"#);
    assert_eq!(data["questions"][0]["version"], 2);

    // Bad input is refused with a reason and changes nothing.
    let (status, body) = save("not json", "3").await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("not valid JSON"));
    let (status, body) = app
        .call(
            &cand,
            "save_answer",
            &[
                ("session_id", &session_id),
                ("question_id", "elsewhere"),
                ("value", "\"x\""),
                ("version", "5"),
            ],
        )
        .await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("not part of this exam"));
    let other = app.signed_in("reviewer@demo.vigil.test").await;
    let (status, _) = app
        .call(
            &other,
            "save_answer",
            &[
                ("session_id", &session_id),
                ("question_id", &q),
                ("value", "\"x\""),
                ("version", "9"),
            ],
        )
        .await;
    assert_eq!(status, 403, "nobody answers in another candidate's session");
    let (status, _) = app
        .call(&other, "exam_session", &[("session_id", &session_id)])
        .await;
    assert_eq!(status, 403);
    let (_, data) = app
        .call(&cand, "exam_session", &[("session_id", &session_id)])
        .await;
    assert_eq!(data["questions"][0]["saved"], r#"["b"]"#);
}

#[tokio::test]
async fn a_tab_switch_becomes_a_flag_a_reviewer_sees_with_its_evidence() {
    let (app, org) = TestApp::start("telemetry").await;
    let (cand, sid) = started(&app, &org.exam_id).await;
    let t = common::now_ms();

    // Bad batches are refused whole: a gap in the sequence, a foreign session id, a stranger.
    let gap = json!({"session_id": sid, "events": [event(&sid, 1, t, "visibility_hidden"), event(&sid, 3, t, "visibility_visible")]});
    let (status, body) = app.call_json(&cand, "telemetry", &gap).await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("sequence"), "{body}");
    let skip = json!({"session_id": sid, "events": [event(&sid, 5, t, "heartbeat")]});
    let (status, body) = app.call_json(&cand, "telemetry", &skip).await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("missing"), "{body}");
    let malformed = json!({"session_id": sid, "events": [{"v": 1, "seq": "one"}]});
    let (status, _) = app.call_json(&cand, "telemetry", &malformed).await;
    assert_eq!(status, 400);
    let stranger = app.signed_in("reviewer@demo.vigil.test").await;
    let good = json!({"session_id": sid, "events": [event(&sid, 1, t, "visibility_hidden"), event(&sid, 2, t + 2_000, "visibility_visible")]});
    let (status, _) = app.call_json(&stranger, "telemetry", &good).await;
    assert_eq!(status, 403);
    assert_eq!(app.count("SELECT COUNT(*) FROM proctor_events").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM flags").await, 0);

    // The candidate's own batch is stored and raises one flag; a re-send changes nothing.
    let (status, ack) = app.call_json(&cand, "telemetry", &good).await;
    assert_eq!(status, 200, "{ack}");
    assert_eq!(ack["acked_seq"], 2);
    let (status, ack) = app.call_json(&cand, "telemetry", &good).await;
    assert_eq!((status, ack["acked_seq"].clone()), (200, json!(2)));
    assert_eq!(app.count("SELECT COUNT(*) FROM proctor_events").await, 2);
    assert_eq!(app.count("SELECT COUNT(*) FROM flags").await, 1);

    let (status, page) = app.queue(&stranger, json!({})).await;
    assert_eq!(status, 200, "{page}");
    let session = &page["sessions"][0];
    assert_eq!(session["session_id"], sid.as_str());
    assert_eq!(
        session["status"], "IN_PROGRESS",
        "rules never touch the delivery status"
    );
    assert_eq!(session["review_state"], "NOT_REVIEWED", "nor the review outcome");
    assert_eq!(session["candidate_email"], CANDIDATE);
    assert!(session["risk_score"].as_i64().unwrap() > 0);
    let flag = &session["flags"][0];
    assert_eq!(flag["flag_type"], "TAB_SWITCH");
    assert_eq!(flag["severity"], "MEDIUM");
    let evidence = flag["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 2);
    assert_eq!(evidence[0]["seq"], 1);
    assert_eq!(evidence[0]["kind"], "visibility_hidden");
    assert_eq!(evidence[1]["kind"], "visibility_visible");

    // The reviewer page renders it on the server too.
    let html = stranger
        .get(format!("{}/review", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("TAB_SWITCH") && html.contains("Cam Candidate"),
        "{html}"
    );
}

#[tokio::test]
async fn a_browser_that_goes_silent_is_flagged_once() {
    let (app, org) = TestApp::start("silence").await;
    let (cand, sid) = started(&app, &org.exam_id).await;
    let t = common::now_ms();
    let one = json!({"session_id": sid, "events": [event(&sid, 1, t, "heartbeat")]});
    assert_eq!(app.call_json(&cand, "telemetry", &one).await.0, 200);

    let ingestor = app.ingestor();
    let watch = |at| app::server::watch::sweep(&app.pool, &ingestor, at);
    assert_eq!(
        watch(common::now_ms() + 5_000).await.unwrap(),
        0,
        "5 s of silence is normal"
    );
    assert_eq!(
        watch(common::now_ms() + 45_000).await.unwrap(),
        1,
        "45 s is a gap at MEDIUM"
    );
    assert_eq!(
        watch(common::now_ms() + 90_000).await.unwrap(),
        0,
        "one flag per silence"
    );

    // When the browser comes back, the rules see the same gap; it is not flagged twice.
    let back = json!({"session_id": sid, "events": [event(&sid, 2, t + 45_000, "heartbeat")]});
    assert_eq!(app.call_json(&cand, "telemetry", &back).await.0, 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM flags WHERE flag_type = 'TELEMETRY_GAP'")
            .await,
        1
    );
    let (status, review): (String, String) = sqlx::query_as("SELECT status, review_state FROM exam_sessions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        (status.as_str(), review.as_str()),
        ("IN_PROGRESS", "NOT_REVIEWED")
    );
}

#[tokio::test]
async fn marks_for_review_are_kept_on_the_server_without_touching_answers() {
    let (app, org) = TestApp::start("marks").await;
    let (cand, sid) = started(&app, &org.exam_id).await;
    let (_, data) = app.call(&cand, "exam_session", &[("session_id", &sid)]).await;
    let q: Vec<String> = data["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["question_id"].as_str().unwrap().to_string())
        .collect();
    let mark = |qid: String, on: &'static str| {
        let (app, cand, sid) = (&app, &cand, sid.clone());
        async move {
            app.call(
                cand,
                "mark_question",
                &[("session_id", &sid), ("question_id", &qid), ("marked", on)],
            )
            .await
        }
    };

    // Marking an unanswered question, then answering it: the answer and the mark both stay.
    assert_eq!(mark(q[2].clone(), "true").await.0, 200);
    let (status, body) = app
        .call(
            &cand,
            "save_answer",
            &[
                ("session_id", &sid),
                ("question_id", &q[2]),
                ("value", "\"443\""),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(mark(q[0].clone(), "true").await.0, 200);
    assert_eq!(mark(q[0].clone(), "false").await.0, 200);

    // Another device (a fresh sign-in) sees the same marks.
    let other = app.signed_in(CANDIDATE).await;
    let (_, data) = app.call(&other, "exam_session", &[("session_id", &sid)]).await;
    let marked: Vec<bool> = data["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["marked"] == true)
        .collect();
    assert_eq!(marked, vec![false, false, true]);
    assert_eq!(data["questions"][2]["saved"], "\"443\"");

    // Someone else's session, a question from elsewhere, or after submitting: refused.
    let reviewer = app.signed_in("reviewer@demo.vigil.test").await;
    let (status, _) = app
        .call(
            &reviewer,
            "mark_question",
            &[("session_id", &sid), ("question_id", &q[0]), ("marked", "true")],
        )
        .await;
    assert_eq!(status, 403);
    let (status, body) = mark("not-a-question".into(), "true").await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("not part of this exam"), "{body}");
    assert_eq!(
        app.call(&cand, "submit_exam", &[("session_id", &sid)]).await.0,
        200
    );
    let (status, _) = mark(q[1].clone(), "true").await;
    assert_eq!(status, 409);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM answers WHERE marked = 1").await,
        1
    );
}

/// The `<input>` tag of option `option` of question `question` in a rendered exam page.
fn option_tag<'a>(page: &'a str, question: &str, option: &str) -> &'a str {
    let at = page
        .find(&format!(r#"name="answer-{question}" value="{option}""#))
        .unwrap_or_else(|| panic!("the page shows option {option} of question {question}"));
    let end = page[at..].find('>').map_or(page.len(), |e| at + e);
    &page[at..end]
}

#[tokio::test]
async fn the_exam_page_shows_its_candidate_what_was_saved_and_nobody_else_anything() {
    let (app, org) = TestApp::start("exam-page").await;
    let (cand, session_id) = started(&app, &org.exam_id).await;
    let (_, data) = app
        .call(&cand, "exam_session", &[("session_id", &session_id)])
        .await;
    let single = data["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["kind"] == "MULTIPLE_CHOICE_SINGLE")
        .expect("the demo exam has a single-choice question");
    let q = single["question_id"].as_str().unwrap().to_string();
    let stem = single["stem"].as_str().unwrap().to_string();
    let page_url = format!("{}/sessions/{session_id}", app.base);
    let page = |client: reqwest::Client| {
        let url = page_url.clone();
        async move {
            let r = client.get(url).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };

    let (status, html) = page(cand.clone()).await;
    assert_eq!(status, 200);
    assert!(html.contains(&stem), "the page shows the questions");
    assert!(
        !option_tag(&html, &q, "b").contains("checked"),
        "nothing saved yet"
    );

    let (status, body) = app
        .call(
            &cand,
            "save_answer",
            &[
                ("session_id", &session_id),
                ("question_id", &q),
                ("value", r#"["b"]"#),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // The page is looked up afresh on every visit: what was saved a moment ago is chosen.
    let (status, html) = page(cand.clone()).await;
    assert_eq!(status, 200);
    assert!(
        option_tag(&html, &q, "b").contains("checked"),
        "{}",
        option_tag(&html, &q, "b")
    );
    assert!(!option_tag(&html, &q, "a").contains("checked"));

    // Another person, and nobody, get the page's refusal and none of the exam.
    let other = app.signed_in("reviewer@demo.vigil.test").await;
    let (status, html) = page(other).await;
    assert_eq!(status, 403);
    assert!(!html.contains(&stem));
    let (status, html) = page(app.client()).await;
    assert_eq!(status, 401);
    assert!(!html.contains(&stem));
}
