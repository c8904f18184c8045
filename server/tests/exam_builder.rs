//! The exam builder: a coordinator builds an exam of fixed questions and a draw from approved
//! banks, pre-flight names what stops publishing, a published exam delivers the versions it
//! was built with, results wait for the window when the exam says so, and every refusal
//! changes nothing.

mod common;

use app::server::demo;
use common::builder::*;
use common::{message, now_ms, TestApp};
use serde_json::{json, Value};
use shared::Role;

#[tokio::test]
async fn a_coordinator_builds_checks_and_publishes_and_attempts_keep_their_versions() {
    let (app, org) = TestApp::start("builder-journey").await;
    let coordinator = app.signed_in(COORDINATOR).await;
    let banks = approved_banks(&app, &org.org_id).await;
    let bank = banks[0].clone();

    let (status, listed) = app.call(&coordinator, "builder_banks", &[]).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(
        listed.as_array().unwrap().len(),
        banks.len(),
        "every approved bank is offered"
    );

    let (status, exam_id) = app
        .call(
            &coordinator,
            "create_exam",
            &[("bank_id", &bank), ("title", "Midterm")],
        )
        .await;
    assert_eq!(status, 200, "{exam_id}");
    let exam_id = exam_id.as_str().unwrap().to_string();
    let v = view(&app, &coordinator, &exam_id).await;
    assert_eq!(v["phase"], "DRAFT");
    let problems = v["preflight"].to_string();
    assert!(problems.contains("has no questions"), "{problems}");

    // Publishing an exam that fails pre-flight is refused with every reason; it stays a draft.
    let (status, body) = act(&app, &coordinator, &exam_id, "Publish").await;
    assert_eq!(status, 409, "{body}");
    assert!(message(&body).contains("no questions"), "{body}");
    assert_eq!(view(&app, &coordinator, &exam_id).await["phase"], "DRAFT");

    // Two fixed questions, then a draw of two more from the same bank.
    let fixed = v["sections"][0]["section_id"].as_str().unwrap().to_string();
    let available = v["sections"][0]["available"].as_array().unwrap().clone();
    assert!(available.len() >= 4, "the demo bank has questions to pick: {v}");
    for item in &available[..2] {
        let (status, body) =
            add_question(&app, &coordinator, &fixed, item["version_id"].as_str().unwrap()).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = add_question(
        &app,
        &coordinator,
        &fixed,
        available[0]["version_id"].as_str().unwrap(),
    )
    .await;
    assert_eq!(status, 409, "the same question twice: {body}");

    // A draw larger than its pool is named by pre-flight.
    let draw = |count: i64| json!({"exam_id": exam_id, "section": {"title": "Random", "bank_id": bank, "draw_count": count, "tags": [], "difficulty": null}});
    let (status, big) = app.call_json(&coordinator, "add_section", &draw(500)).await;
    assert_eq!(status, 200, "{big}");
    let v = view(&app, &coordinator, &exam_id).await;
    let pool = available.len() - 2;
    assert!(
        v["preflight"]
            .to_string()
            .contains(&format!("draws 500 questions from a pool of only {pool}")),
        "the fixed questions are left out of the pool: {v}"
    );
    assert_eq!(act(&app, &coordinator, &exam_id, "Publish").await.0, 409);
    let (status, _) = app
        .call(
            &coordinator,
            "remove_section",
            &[("section_id", big.as_str().unwrap())],
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = app.call_json(&coordinator, "add_section", &draw(2)).await;
    assert_eq!(status, 200, "{body}");

    // Bad settings are named field by field and nothing is saved.
    let now = now_ms();
    let mut bad = with_window(&v, now + 3_600_000, now);
    bad["duration_minutes"] = json!(0);
    let (status, body) = app
        .call_json(
            &coordinator,
            "save_exam_settings",
            &json!({"exam_id": exam_id, "settings": bad}),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("InvalidFields")),
        "{body}"
    );
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(fields, ["closes_at", "duration_minutes"], "{body}");
    let mut bad_time = v["settings"].clone();
    bad_time["opens_local"] = json!("next tuesday");
    let (status, body) = app
        .call_json(
            &coordinator,
            "save_exam_settings",
            &json!({"exam_id": exam_id, "settings": bad_time}),
        )
        .await;
    assert_eq!(
        (status, body["fields"][0]["field"].as_str()),
        (400, Some("opens_at")),
        "{body}"
    );
    assert_eq!(
        view(&app, &coordinator, &exam_id).await["settings"],
        v["settings"]
    );

    // Open now for two hours, then publish.
    let good = with_window(&v, now - 60_000, now + 2 * 3_600_000);
    let (status, body) = app
        .call_json(
            &coordinator,
            "save_exam_settings",
            &json!({"exam_id": exam_id, "settings": good}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let v = view(&app, &coordinator, &exam_id).await;
    assert_eq!(v["preflight"], json!([]), "{v}");
    // Camera proctoring is saved and shown back; on while proctoring is off is named beside
    // its field and not saved.
    assert_eq!(v["settings"]["camera"], "OFF", "off unless chosen");
    let mut camera = v["settings"].clone();
    camera["camera"] = json!("FLAG_IF_MISSING");
    let save = |settings: Value| {
        let (app, coordinator, exam_id) = (&app, &coordinator, &exam_id);
        async move {
            app.call_json(
                coordinator,
                "save_exam_settings",
                &json!({"exam_id": exam_id, "settings": settings}),
            )
            .await
        }
    };
    let (status, body) = save(camera.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        view(&app, &coordinator, &exam_id).await["settings"]["camera"],
        "FLAG_IF_MISSING"
    );
    camera["proctoring"] = json!(false);
    let (status, body) = save(camera.clone()).await;
    assert_eq!(
        (status, body["fields"][0]["field"].as_str()),
        (400, Some("camera")),
        "{body}"
    );
    let (status, body) = save(v["settings"].clone()).await;
    assert_eq!(status, 200, "{body}");
    // Typed in the university's zone, stored as the same instant in UTC (to the minute).
    assert_eq!(v["time_zone"], demo::DEMO_TIME_ZONE);
    let opens = v["opens_at"].as_i64().unwrap();
    assert!(
        (now - 120_000..=now - 60_000).contains(&opens),
        "{opens} vs {now}"
    );
    let (status, body) = act(&app, &coordinator, &exam_id, "Publish").await;
    assert_eq!(status, 200, "{body}");
    let v = view(&app, &coordinator, &exam_id).await;
    assert_eq!(v["phase"], "OPEN");
    assert_eq!(
        v["sections"][1]["items"].as_array().unwrap().len(),
        pool,
        "the draw's pool is frozen"
    );
    let (status, body) = app.call_json(&coordinator, "add_section", &draw(1)).await;
    assert_eq!(status, 409, "a published exam's questions do not change: {body}");

    // A candidate gets the two fixed questions first, then two drawn from the rest, the same
    // on every load.
    enroll(&app, &exam_id, CANDIDATE).await;
    let candidate = app.signed_in(CANDIDATE).await;
    let sid = app.start_attempt(&candidate, &exam_id).await;
    let (_, data) = app
        .call(&candidate, "exam_session", &[("session_id", &sid)])
        .await;
    let ids = |d: &Value| -> Vec<String> {
        d["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["question_id"].as_str().unwrap().to_string())
            .collect()
    };
    let got = ids(&data);
    assert_eq!(got.len(), 4, "{data}");
    let fixed_ids: Vec<&str> = available[..2]
        .iter()
        .map(|i| i["question_id"].as_str().unwrap())
        .collect();
    assert_eq!(&got[..2], &fixed_ids[..]);
    assert!(got[2..].iter().all(|q| !fixed_ids.contains(&q.as_str())));
    let (_, again) = app
        .call(&candidate, "exam_session", &[("session_id", &sid)])
        .await;
    assert_eq!(ids(&again), got);

    // An author edits a question of the attempt and QA approves the new version: the attempt
    // keeps the version it was built with.
    let author = app.signed_in(AUTHOR).await;
    let qa = app.signed_in(QA).await;
    let (_, history) = app
        .call(&author, "question_history", &[("question_id", &got[0])])
        .await;
    let mut content = history["versions"][0]["content"].clone();
    content["stem"] = json!({"format": "PLAIN", "text": "A rewritten question"});
    let (status, saved) = app
        .call_json(
            &author,
            "save_question",
            &json!({"bank_id": bank, "question_id": got[0], "content": content}),
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    let v2 = saved["version_id"].as_str().unwrap();
    for (who, action) in [(&author, json!("Submit")), (&qa, json!("Approve"))] {
        let (status, body) = app
            .call_json(
                who,
                "question_action",
                &json!({"version_id": v2, "action": action}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let (_, after) = app
        .call(&candidate, "exam_session", &[("session_id", &sid)])
        .await;
    assert_eq!(after["questions"][0]["stem"], data["questions"][0]["stem"]);
    assert_ne!(after["questions"][0]["stem"], "A rewritten question");

    // Once someone has started: what would change their attempt is refused with the reason,
    // a new title is not; and the exam no longer returns to draft.
    let v = view(&app, &coordinator, &exam_id).await;
    let mut longer = v["settings"].clone();
    longer["duration_minutes"] = json!(90);
    let (status, body) = app
        .call_json(
            &coordinator,
            "save_exam_settings",
            &json!({"exam_id": exam_id, "settings": longer}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(message(&body).contains("the duration"), "{body}");
    let mut renamed = v["settings"].clone();
    renamed["title"] = json!("Midterm (room 2)");
    let (status, body) = app
        .call_json(
            &coordinator,
            "save_exam_settings",
            &json!({"exam_id": exam_id, "settings": renamed}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(act(&app, &coordinator, &exam_id, "Unpublish").await.0, 409);
    let duration: i64 = sqlx::query_scalar("SELECT duration_minutes FROM exams WHERE id = $1")
        .bind(&exam_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(duration, 60);
}

#[tokio::test]
async fn results_after_the_window_wait_for_it_to_close() {
    let (app, org) = TestApp::start("builder-results").await;
    let coordinator = app.signed_in(COORDINATOR).await;
    let bank = approved_banks(&app, &org.org_id).await.remove(0);
    let (_, exam_id) = app
        .call(
            &coordinator,
            "create_exam",
            &[("bank_id", &bank), ("title", "Quiz")],
        )
        .await;
    let exam_id = exam_id.as_str().unwrap().to_string();
    let v = view(&app, &coordinator, &exam_id).await;
    let section = v["sections"][0]["section_id"].as_str().unwrap();
    let first = v["sections"][0]["available"][0]["version_id"].as_str().unwrap();
    assert_eq!(add_question(&app, &coordinator, section, first).await.0, 200);
    let now = now_ms();
    let mut settings = with_window(&v, now - 60_000, now + 3_600_000);
    settings["results"] = json!("ANSWERS");
    settings["results_when"] = json!("AFTER_CLOSE");
    settings["proctoring"] = json!(false);
    let (status, body) = app
        .call_json(
            &coordinator,
            "save_exam_settings",
            &json!({"exam_id": exam_id, "settings": settings}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(act(&app, &coordinator, &exam_id, "Publish").await.0, 200);
    enroll(&app, &exam_id, CANDIDATE).await;
    let candidate = app.signed_in(CANDIDATE).await;
    let sid = app.start_unproctored(&candidate, &exam_id).await;
    app.call(&candidate, "exam_session", &[("session_id", &sid)])
        .await;
    assert_eq!(
        app.call(&candidate, "submit_exam", &[("session_id", &sid)])
            .await
            .0,
        200
    );

    // While others can still sit it: no score, no answers, and when they will show.
    let (_, result) = app.call(&candidate, "exam_result", &[("session_id", &sid)]).await;
    assert_eq!(result["score"], Value::Null, "{result}");
    assert_eq!(result["questions"], json!([]));
    assert!(result["released_at"].as_i64().is_some(), "{result}");

    // After the window: both.
    sqlx::query("UPDATE exams SET closes_at = $1 WHERE id = $2")
        .bind(now - 1)
        .bind(&exam_id)
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, result) = app.call(&candidate, "exam_result", &[("session_id", &sid)]).await;
    assert_eq!(
        result["max_score"].as_f64().map(|m| m > 0.0),
        Some(true),
        "{result}"
    );
    assert_eq!(result["questions"].as_array().map(Vec::len), Some(1), "{result}");
    assert_eq!(result["released_at"], Value::Null);
}

#[tokio::test]
async fn other_organisations_other_roles_and_unapproved_questions_are_refused() {
    let (app, org) = TestApp::start("builder-refusals").await;
    demo::seed_org(
        &app.pool,
        "Other College",
        "other",
        &[(
            "coordinator@other.vigil.test",
            "Otto Other",
            &[Role::ExamCoordinator],
        )],
        "Other exam",
    )
    .await
    .unwrap();
    let bank = approved_banks(&app, &org.org_id).await.remove(0);
    let coordinator = app.signed_in(COORDINATOR).await;
    let (_, exam_id) = app
        .call(
            &coordinator,
            "create_exam",
            &[("bank_id", &bank), ("title", "Ours")],
        )
        .await;
    let exam_id = exam_id.as_str().unwrap().to_string();
    let exams_before = app.count("SELECT COUNT(*) FROM exams").await;
    let sections_before = app.count("SELECT COUNT(*) FROM exam_sections").await;

    // Another organisation's coordinator: not from our bank, not into our exam.
    let other = app.signed_in("coordinator@other.vigil.test").await;
    let (status, _) = app
        .call(&other, "create_exam", &[("bank_id", &bank), ("title", "Theirs")])
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        app.call(&other, "exam_builder", &[("exam_id", &exam_id)]).await.0,
        403
    );
    let section = json!({"exam_id": exam_id, "section": {"title": "X", "bank_id": bank, "draw_count": 1, "tags": [], "difficulty": null}});
    assert_eq!(app.call_json(&other, "add_section", &section).await.0, 403);
    assert_eq!(act(&app, &other, &exam_id, "Cancel").await.0, 403);

    // A candidate and an author build nothing.
    for email in [CANDIDATE, AUTHOR] {
        let client = app.signed_in(email).await;
        assert_eq!(
            app.call(&client, "create_exam", &[("bank_id", &bank), ("title", "Mine")])
                .await
                .0,
            403
        );
        assert_eq!(
            app.call(&client, "exam_builder", &[("exam_id", &exam_id)])
                .await
                .0,
            403
        );
    }

    // A draft question never goes into an exam; nor a bank that is not approved.
    let author = app.signed_in(AUTHOR).await;
    let content = json!({
        "title": "Draft", "stem": {"format": "PLAIN", "text": "Draft?"},
        "body": {"type": "true_false", "correct": true, "feedback_true": null, "feedback_false": null},
        "general_feedback": null, "points": 1.0, "difficulty": "EASY", "tags": [], "source_id": null,
    });
    let (status, saved) = app
        .call_json(
            &author,
            "save_question",
            &json!({"bank_id": bank, "question_id": null, "content": content}),
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    let v = view(&app, &coordinator, &exam_id).await;
    let section_id = v["sections"][0]["section_id"].as_str().unwrap();
    let (status, body) = add_question(
        &app,
        &coordinator,
        section_id,
        saved["version_id"].as_str().unwrap(),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(message(&body).contains("approved"), "{body}");
    let (_, draft_bank) = app
        .call(
            &author,
            "create_bank",
            &[("org_id", &org.org_id), ("name", "Unreviewed")],
        )
        .await;
    let (status, body) = app
        .call(
            &coordinator,
            "create_exam",
            &[("bank_id", draft_bank.as_str().unwrap()), ("title", "Early")],
        )
        .await;
    assert_eq!(status, 409, "{body}");
    let early = json!({"exam_id": exam_id, "section": {"title": "X", "bank_id": draft_bank, "draw_count": 1, "tags": [], "difficulty": null}});
    assert_eq!(app.call_json(&coordinator, "add_section", &early).await.0, 409);

    // Out-of-range draws and malformed ids are 4xx with a reason.
    let huge = json!({"exam_id": exam_id, "section": {"title": "X", "bank_id": bank, "draw_count": i64::MAX, "tags": [], "difficulty": null}});
    let (status, body) = app.call_json(&coordinator, "add_section", &huge).await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = app
        .call(&coordinator, "exam_builder", &[("exam_id", &"x".repeat(500))])
        .await;
    assert_eq!(status, 400);

    assert_eq!(app.count("SELECT COUNT(*) FROM exams").await, exams_before);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM exam_sections").await,
        sections_before
    );
}
