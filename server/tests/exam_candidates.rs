//! What one candidate gets of a built exam: their own window and attempts, the attempt that
//! counts, and the images of the questions their attempt shows (and nobody else's).

mod common;

use app::server::{demo, exams::zone};
use common::builder::*;
use common::{message, now_ms, TestApp};
use serde_json::{json, Value};

#[tokio::test]
async fn a_candidate_gets_their_own_window_and_attempts() {
    let (app, org) = TestApp::start("builder-overrides").await;
    let manager = app.signed_in("enrollment@demo.vigil.test").await;
    let candidate = app.signed_in(CANDIDATE).await;
    let enrollment: String = sqlx::query_scalar(
        "SELECT n.id FROM enrollments n JOIN users u ON u.id = n.user_id WHERE n.exam_id = $1 AND u.email = $2",
    )
    .bind(&org.exam_id)
    .bind(CANDIDATE)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let now = now_ms();
    // The exam's window has closed for everyone.
    sqlx::query("UPDATE exams SET opens_at = $1, closes_at = $2, max_attempts = 1 WHERE id = $3")
        .bind(now - 7_200_000)
        .bind(now - 3_600_000)
        .bind(&org.exam_id)
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, body) = app
        .call(
            &candidate,
            "start_exam",
            &[("exam_id", &org.exam_id), ("consent", "true")],
        )
        .await;
    assert_eq!(status, 409, "{body}");

    // Bad overrides are refused with a reason and change nothing.
    let set = |opens: String, closes: String, extra: &str| {
        vec![
            ("enrollment_id".to_string(), enrollment.clone()),
            ("opens_local".to_string(), opens),
            ("closes_local".to_string(), closes),
            ("extra_attempts".to_string(), extra.to_string()),
        ]
    };
    let call = |form: Vec<(String, String)>| {
        let manager = &manager;
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.call(manager, "set_enrollment_overrides", &pairs).await
        }
    };
    // Typed in the demo university's zone.
    let later = zone::to_local(now + 3_600_000, demo::DEMO_TIME_ZONE);
    let earlier = zone::to_local(now - 60_000, demo::DEMO_TIME_ZONE);
    for (form, why) in [
        (set(later.clone(), earlier.clone(), "0"), "close after it opens"),
        (set(String::new(), later.clone(), "1000"), "Extra attempts"),
        (set("soon".into(), later.clone(), "0"), "Opens"),
        (set(String::new(), later.clone(), "-1"), "Extra attempts"),
    ] {
        let (status, body) = call(form).await;
        assert_eq!(status, 400, "{body}");
        assert!(message(&body).contains(why), "{body}");
    }
    let other_candidate_view = app
        .call(
            &candidate,
            "set_enrollment_overrides",
            &[("enrollment_id", enrollment.as_str()), ("extra_attempts", "5")],
        )
        .await;
    assert_eq!(
        other_candidate_view.0, 403,
        "a candidate grants themselves nothing"
    );
    let stored: (Option<i64>, i64) =
        sqlx::query_as("SELECT closes_at_override, extra_attempts FROM enrollments WHERE id = $1")
            .bind(&enrollment)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, (None, 0));

    // Their own window: they may start now, and the deadline keeps to it.
    let (status, body) = call(set(earlier.clone(), later.clone(), "0")).await;
    assert_eq!(status, 200, "{body}");
    let sid = app.start_attempt(&candidate, &org.exam_id).await;
    let deadline: i64 = sqlx::query_scalar("SELECT deadline_at FROM exam_sessions WHERE id = $1")
        .bind(&sid)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(deadline <= now + 3_600_000 && deadline > now, "{deadline}");
    assert_eq!(
        app.call(&candidate, "submit_exam", &[("session_id", &sid)])
            .await
            .0,
        200
    );
    let (status, _) = app
        .call(
            &candidate,
            "start_exam",
            &[("exam_id", &org.exam_id), ("consent", "true")],
        )
        .await;
    assert_eq!(status, 409, "one attempt used");
    // One more attempt for this candidate only.
    assert_eq!(call(set(earlier, later, "1")).await.0, 200);
    app.start_attempt(&candidate, &org.exam_id).await;
}

/// Uploads `bytes` as an image of the bank.
async fn upload(app: &TestApp, client: &reqwest::Client, bank_id: &str, bytes: Vec<u8>) -> (u16, Value) {
    let r = client
        .post(format!(
            "{}/api/banks/{bank_id}/files?filename=diagram.png",
            app.base
        ))
        .body(bytes)
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    let text = r.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

#[tokio::test]
async fn a_question_image_reaches_the_candidate_whose_attempt_shows_it_and_no_script_does() {
    let (app, org) = TestApp::start("builder-images").await;
    let bank = approved_banks(&app, &org.org_id).await.remove(0);
    let author = app.signed_in(AUTHOR).await;
    let candidate = app.signed_in(CANDIDATE).await;
    let png = b"\x89PNG\r\n\x1a\n-a-tiny-diagram".to_vec();

    // Only an author uploads, only images, at most 5 MB; what is refused is not stored.
    let files_before = app.count("SELECT COUNT(*) FROM bank_files").await;
    assert_eq!(upload(&app, &candidate, &bank, png.clone()).await.0, 403);
    let (status, body) = upload(
        &app,
        &author,
        &bank,
        b"<svg><script>alert(1)</script></svg>".to_vec(),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(message(&body).contains("not a PNG"), "{body}");
    let mut big = png.clone();
    big.resize(shared::media::MAX_IMAGE_BYTES + 1, 0);
    let (status, _) = upload(&app, &author, &bank, big).await;
    assert!(matches!(status, 400 | 413), "{status}");
    assert_eq!(app.count("SELECT COUNT(*) FROM bank_files").await, files_before);
    let (status, address) = upload(&app, &author, &bank, png.clone()).await;
    assert_eq!(status, 200, "{address}");
    let address = address.as_str().unwrap().to_string();
    assert!(address.starts_with("/files/"));

    // A Markdown question shows the image; a script in it is removed.
    let content = json!({
        "title": "Diagram", "stem": {"format": "MARKDOWN", "text": format!("Which layer is **shaded**?\n\n![diagram]({address})\n\n<script>alert(1)</script>")},
        "body": {"type": "true_false", "correct": true, "feedback_true": null, "feedback_false": null},
        "general_feedback": null, "points": 1.0, "difficulty": "EASY", "tags": [], "source_id": null,
    });
    let (_, saved) = app
        .call_json(
            &author,
            "save_question",
            &json!({"bank_id": bank, "question_id": null, "content": content}),
        )
        .await;
    let version = saved["version_id"].as_str().unwrap();
    let qa = app.signed_in(QA).await;
    for (who, action) in [(&author, "Submit"), (&qa, "Approve")] {
        let (status, body) = app
            .call_json(
                who,
                "question_action",
                &json!({"version_id": version, "action": action}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let get = |client: &reqwest::Client| {
        let url = format!("{}{address}", app.base);
        let client = client.clone();
        async move { client.get(url).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(get(&author).await, 200);
    assert_eq!(get(&candidate).await, 403, "not before an attempt shows it");

    let coordinator = app.signed_in(COORDINATOR).await;
    let (_, exam_id) = app
        .call(
            &coordinator,
            "create_exam",
            &[("bank_id", &bank), ("title", "With a diagram")],
        )
        .await;
    let exam_id = exam_id.as_str().unwrap().to_string();
    let v = view(&app, &coordinator, &exam_id).await;
    let section = v["sections"][0]["section_id"].as_str().unwrap();
    assert_eq!(add_question(&app, &coordinator, section, version).await.0, 200);
    let now = now_ms();
    let settings = with_window(&v, now - 60_000, now + 3_600_000);
    app.call_json(
        &coordinator,
        "save_exam_settings",
        &json!({"exam_id": exam_id, "settings": settings}),
    )
    .await;
    assert_eq!(act(&app, &coordinator, &exam_id, "Publish").await.0, 200);
    enroll(&app, &exam_id, CANDIDATE).await;
    let sid = app.start_attempt(&candidate, &exam_id).await;
    let (_, data) = app
        .call(&candidate, "exam_session", &[("session_id", &sid)])
        .await;
    let html = data["questions"][0]["stem_html"].as_str().unwrap_or_default();
    assert!(html.contains("<strong>shaded</strong>"), "{data}");
    assert!(html.contains(&format!("src=\"{address}\"")), "{html}");
    assert!(!html.contains("<script"), "{html}");
    assert_eq!(get(&candidate).await, 200, "the attempt shows it");
    let stranger = app.signed_in("reports@demo.vigil.test").await;
    assert_eq!(get(&stranger).await, 403);
}

#[tokio::test]
async fn the_attempt_that_counts_is_the_highest_or_the_last() {
    let (app, org) = TestApp::start("builder-attempt-policy").await;
    let candidate = app.signed_in(CANDIDATE).await;
    let exam_id = app.practice_exam_id().await;
    sqlx::query("UPDATE exams SET max_attempts = 2, attempt_policy = 'HIGHEST' WHERE id = $1")
        .bind(&exam_id)
        .execute(&app.pool)
        .await
        .unwrap();
    let _ = org;
    // The first attempt answers one question right, the second none.
    let first = app.start_unproctored(&candidate, &exam_id).await;
    let (_, data) = app
        .call(&candidate, "exam_session", &[("session_id", &first)])
        .await;
    let numeric = data["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["kind"] == "NUMERIC")
        .unwrap()["question_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, body) = app
        .call(
            &candidate,
            "save_answer",
            &[
                ("session_id", &first),
                ("question_id", &numeric),
                ("value", "\"64\""),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    app.call(&candidate, "submit_exam", &[("session_id", &first)])
        .await;
    let second = app.start_unproctored(&candidate, &exam_id).await;
    app.call(&candidate, "submit_exam", &[("session_id", &second)])
        .await;

    let counting = || async {
        let (_, exam) = app.call(&candidate, "exam", &[("exam_id", &exam_id)]).await;
        exam["submitted_session_id"].as_str().unwrap().to_string()
    };
    assert_eq!(counting().await, first, "the highest score counts");
    sqlx::query("UPDATE exams SET attempt_policy = 'LAST' WHERE id = $1")
        .bind(&exam_id)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(counting().await, second, "the last attempt counts");
}
