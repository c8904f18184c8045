//! The review workflow over HTTP against the real server: decisions on flags, the outcome
//! state machine with claims and a second review, every refusal, the candidate's view, the CSV.

mod common;

use app::server::demo;
use common::{message, now_ms, TestApp};
use reqwest::Client;
use serde_json::{json, Value};
use shared::Role;

const CANDIDATE: &str = "candidate@demo.vigil.test";
const REVIEWER: &str = "reviewer@demo.vigil.test";
/// A second proctor reviewer of the demo organisation.
const REVIEWER_2: &str = "author-reviewer@demo.vigil.test";
const QA: &str = "qa@demo.vigil.test";
const ADMIN: &str = "admin@demo.vigil.test";

fn event(sid: &str, seq: i64, ms: i64, kind: Value) -> Value {
    json!({"v": 1, "session_id": sid, "seq": seq, "client_ms": ms, "kind": kind})
}

/// The candidate's attempt with two flags: a tab switch and a long paste (both MEDIUM).
async fn flagged_attempt(app: &TestApp, exam_id: &str) -> (Client, String) {
    let cand = app.signed_in(CANDIDATE).await;
    let sid = app.start_attempt(&cand, exam_id).await;
    let t = now_ms();
    let batch = json!({"session_id": sid, "events": [
        event(&sid, 1, t, json!({"type": "visibility_hidden"})),
        event(&sid, 2, t + 5_000, json!({"type": "visibility_visible"})),
        event(&sid, 3, t + 6_000, json!({"type": "paste", "length": 500, "hash": "ab"})),
    ]});
    let (status, body) = app.call_json(&cand, "telemetry", &batch).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM flags").await, 2);
    (cand, sid)
}

async fn act(app: &TestApp, who: &Client, sid: &str, action: Value, note: &str) -> (u16, Value) {
    app.call_json(
        who,
        "change_review",
        &json!({"session_id": sid, "action": action, "note": note}),
    )
    .await
}

async fn decide(app: &TestApp, who: &Client, flags: &[&str], decision: &str, note: &str) -> (u16, Value) {
    app.call_json(
        who,
        "decide_flags",
        &json!({"flag_ids": flags, "decision": decision, "note": note}),
    )
    .await
}

async fn review(app: &TestApp, who: &Client, sid: &str) -> (u16, Value) {
    app.call(who, "session_review", &[("session_id", sid)]).await
}

/// The id of the session's flag of this type.
fn flag_id(review: &Value, flag_type: &str) -> String {
    review["session"]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["flag_type"] == flag_type)
        .unwrap_or_else(|| panic!("a {flag_type} flag in {review}"))["flag_id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn flag<'a>(review: &'a Value, flag_type: &str) -> &'a Value {
    review["session"]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["flag_type"] == flag_type)
        .unwrap()
}

async fn state_of(app: &TestApp, sid: &str) -> String {
    sqlx::query_scalar("SELECT review_state FROM exam_sessions WHERE id = $1")
        .bind(sid)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn reviewers_decide_flags_and_outcomes_and_qa_makes_the_second_review() {
    let (app, org) = TestApp::start("review-flow").await;
    let (cand, sid) = flagged_attempt(&app, &org.exam_id).await;
    assert_eq!(
        app.call(&cand, "submit_exam", &[("session_id", &sid)]).await.0,
        200
    );
    let reviewer = app.signed_in(REVIEWER).await;

    let (status, r) = review(&app, &reviewer, &sid).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["session"]["review_state"], "NOT_REVIEWED");
    assert_eq!(r["session"]["risk_score"], 6);
    let tab = flag_id(&r, "TAB_SWITCH");
    let paste = flag_id(&r, "COPY_PASTE");

    // Dismissing needs no note, and the flag leaves the risk score at once.
    assert_eq!(decide(&app, &reviewer, &[&tab], "DISMISSED", "").await.0, 200);
    let (_, page) = app.queue(&reviewer, json!({})).await;
    assert_eq!(page["sessions"][0]["risk_score"], 3, "{page}");
    // Confirming needs a note; without one nothing changes.
    let (status, body) = decide(&app, &reviewer, &[&paste], "CONFIRMED", "  ").await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("note"), "{body}");
    let (_, r) = review(&app, &reviewer, &sid).await;
    assert_eq!(flag(&r, "COPY_PASTE")["status"], "OPEN");
    let (status, body) = decide(
        &app,
        &reviewer,
        &[&paste],
        "CONFIRMED",
        "500 characters pasted into Q2",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, r) = review(&app, &reviewer, &sid).await;
    let confirmed = flag(&r, "COPY_PASTE");
    assert_eq!(confirmed["status"], "CONFIRMED");
    assert_eq!(confirmed["resolved_by"], "Rita Reviewer");
    assert!(confirmed["resolved_at"].as_i64().unwrap() >= now_ms() - 60_000);
    assert_eq!(confirmed["resolution"], "500 characters pasted into Q2");
    assert_eq!(r["session"]["risk_score"], 3, "confirmed flags still count");

    // Deciding the outcome needs a claim, and a claim is one reviewer's.
    let (status, body) = act(&app, &reviewer, &sid, json!({"Decide": "CLEAN"}), "").await;
    assert_eq!(status, 409, "{body}");
    assert!(message(&body).contains("Claim"), "{body}");
    assert_eq!(act(&app, &reviewer, &sid, json!("Claim"), "").await.0, 200);
    assert_eq!(state_of(&app, &sid).await, "IN_REVIEW");
    let other = app.signed_in(REVIEWER_2).await;
    let (status, body) = act(&app, &other, &sid, json!("Claim"), "").await;
    assert_eq!(status, 409);
    assert!(message(&body).contains("claimed by another reviewer"), "{body}");
    let (status, _) = act(&app, &other, &sid, json!({"Decide": "CLEAN"}), "").await;
    assert_eq!(status, 409, "a decision on a session someone else claimed");
    let (_, page) = app.queue(&other, json!({})).await;
    assert_eq!(
        page["sessions"][0]["claimed_by"], "Rita Reviewer",
        "others see who holds it"
    );
    assert_eq!(page["sessions"][0]["claimed_by_me"], false);

    // SUSPICIOUS needs a note, then goes to a second review that the first reviewer cannot make.
    let (status, _) = act(&app, &reviewer, &sid, json!({"Decide": "SUSPICIOUS"}), "").await;
    assert_eq!(status, 400);
    assert_eq!(state_of(&app, &sid).await, "IN_REVIEW");
    let (status, body) = act(
        &app,
        &reviewer,
        &sid,
        json!({"Decide": "SUSPICIOUS"}),
        "note for QA: long paste",
    )
    .await;
    assert_eq!((status, body.clone()), (200, json!("SUSPICIOUS")));
    let (status, body) = act(&app, &reviewer, &sid, json!({"SecondReview": "VERIFIED"}), "").await;
    assert_eq!(status, 403, "{body}");
    assert!(message(&body).contains("quality assurance"), "{body}");

    let qa = app.signed_in(QA).await;
    let (_, page) = app.queue(&qa, json!({"state": "SUSPICIOUS"})).await;
    assert_eq!(
        page["sessions"].as_array().unwrap().len(),
        1,
        "QA finds it in the queue"
    );
    assert_eq!(
        act(&app, &qa, &sid, json!({"SecondReview": "REJECTED"}), "")
            .await
            .0,
        400
    );
    let (status, body) = act(
        &app,
        &qa,
        &sid,
        json!({"SecondReview": "REJECTED"}),
        "pasted answer",
    )
    .await;
    assert_eq!((status, body), (200, json!("REJECTED")));

    // Every change is in the history and the audit log, with who and the note.
    let (_, r) = review(&app, &qa, &sid).await;
    let history = r["history"].as_array().unwrap();
    let transitions: Vec<(String, String)> = history
        .iter()
        .map(|h| {
            (
                h["from"].as_str().unwrap().into(),
                h["to"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        transitions,
        [
            ("OPEN", "DISMISSED"),
            ("OPEN", "CONFIRMED"),
            ("NOT_REVIEWED", "IN_REVIEW"),
            ("IN_REVIEW", "SUSPICIOUS"),
            ("SUSPICIOUS", "REJECTED"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(history[4]["actor"], "Quinn Quality");
    assert_eq!(history[4]["note"], "pasted answer");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'REVIEW_STATE_CHANGED'")
            .await,
        3
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'FLAG_DECIDED'")
            .await,
        2
    );

    // The candidate reads where it stands, in plain words, and never a reviewer's note.
    let (status, result) = app.call(&cand, "exam_result", &[("session_id", &sid)]).await;
    assert_eq!(status, 200, "{result}");
    assert!(
        result["review_status"]
            .as_str()
            .unwrap()
            .contains("break the exam's rules"),
        "{result}"
    );
    let text = result.to_string();
    assert!(
        !text.contains("pasted answer") && !text.contains("note for QA"),
        "{text}"
    );

    // The staff's CSV lists the outcome and the confirmed flags per type.
    let csv = reviewer
        .get(format!("{}/exports/exams/{}/sessions.csv", app.base, org.exam_id))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.unwrap();
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == format!("\"{name}\"")).unwrap();
    assert_eq!(row[col("email")], format!("\"{CANDIDATE}\""));
    assert_eq!(row[col("review_outcome")], "\"REJECTED\"");
    assert_eq!(row[col("confirmed_COPY_PASTE")], "\"1\"");
    assert_eq!(
        row[col("confirmed_TAB_SWITCH")],
        "\"0\"",
        "dismissed flags are not counted"
    );
    let refused = cand
        .get(format!("{}/exports/exams/{}/sessions.csv", app.base, org.exam_id))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "candidates do not download the roster");

    // Reopening: not by a reviewer, not without a reason, then by an admin.
    assert_eq!(act(&app, &reviewer, &sid, json!("Reopen"), "appeal").await.0, 403);
    let admin = app.signed_in(ADMIN).await;
    assert_eq!(act(&app, &admin, &sid, json!("Reopen"), "").await.0, 400);
    assert_eq!(state_of(&app, &sid).await, "REJECTED");
    assert_eq!(
        act(&app, &admin, &sid, json!("Reopen"), "appeal upheld").await.0,
        200
    );
    assert_eq!(state_of(&app, &sid).await, "NOT_REVIEWED");
}

#[tokio::test]
async fn outsiders_and_the_first_reviewer_are_refused_and_nothing_changes() {
    let (app, org) = TestApp::start("review-refusals").await;
    demo::seed_org(
        &app.pool,
        "Other College",
        "other",
        &[(
            "reviewer@other.vigil.test",
            "Rolf Other",
            &[Role::ProctorReviewer, Role::QualityAssurance],
        )],
        "Other exam",
    )
    .await
    .unwrap();
    let (cand, sid) = flagged_attempt(&app, &org.exam_id).await;
    let reviewer = app.signed_in(REVIEWER).await;
    let (_, r) = review(&app, &reviewer, &sid).await;
    let tab = flag_id(&r, "TAB_SWITCH");

    // The candidate is no reviewer.
    assert_eq!(review(&app, &cand, &sid).await.0, 403);
    assert_eq!(act(&app, &cand, &sid, json!("Claim"), "").await.0, 403);
    assert_eq!(decide(&app, &cand, &[&tab], "DISMISSED", "").await.0, 403);
    // Nor is a reviewer of another organisation, here.
    let stranger = app.signed_in("reviewer@other.vigil.test").await;
    assert_eq!(review(&app, &stranger, &sid).await.0, 403);
    assert_eq!(act(&app, &stranger, &sid, json!("Claim"), "").await.0, 403);
    assert_eq!(decide(&app, &stranger, &[&tab], "DISMISSED", "").await.0, 403);
    assert_eq!(
        app.call_json(
            &stranger,
            "add_review_flag",
            &json!({"session_id": sid, "flag_type": "OTHER", "severity": "LOW", "at_ms": now_ms(), "note": "x"}),
        )
        .await
        .0,
        403
    );
    let csv = stranger
        .get(format!("{}/exports/exams/{}/sessions.csv", app.base, org.exam_id))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 403);
    let (_, page) = app.queue(&stranger, json!({})).await;
    assert_eq!(page["sessions"], json!([]));

    // A person holding both roles cannot make the second review of their own first review.
    let (org_id,): (String,) = sqlx::query_as("SELECT org_id FROM exams WHERE id = $1")
        .bind(&org.exam_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let reviewer_id: String = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(REVIEWER)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    app::server::db::orgs::grant_role(&app.pool, &reviewer_id, &org_id, Role::QualityAssurance, now_ms())
        .await
        .unwrap();
    assert_eq!(act(&app, &reviewer, &sid, json!("Claim"), "").await.0, 200);
    assert_eq!(
        act(&app, &reviewer, &sid, json!({"Decide": "SUSPICIOUS"}), "odd")
            .await
            .0,
        200
    );
    let (status, body) = act(&app, &reviewer, &sid, json!({"SecondReview": "VERIFIED"}), "").await;
    assert_eq!(status, 403, "{body}");
    assert!(message(&body).contains("first reviewer"), "{body}");
    assert_eq!(state_of(&app, &sid).await, "SUSPICIOUS");
    // A decided session's flags wait for a reopening.
    let (status, _) = decide(&app, &reviewer, &[&tab], "DISMISSED", "").await;
    assert_eq!(status, 409);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM flags WHERE status = 'OPEN'")
            .await,
        2
    );
    // Garbage in: a malformed action, an unknown flag, too long a note.
    assert_eq!(act(&app, &reviewer, &sid, json!("Explode"), "").await.0, 400);
    assert_eq!(
        decide(&app, &reviewer, &["no-such-flag"], "DISMISSED", "")
            .await
            .0,
        404
    );
    let long = "x".repeat(2_001);
    let qa = app.signed_in(QA).await;
    assert_eq!(
        act(&app, &qa, &sid, json!({"SecondReview": "REJECTED"}), &long)
            .await
            .0,
        400
    );
    assert_eq!(state_of(&app, &sid).await, "SUSPICIOUS");
}

#[tokio::test]
async fn bulk_dismissal_is_all_or_nothing_and_a_lapsed_claim_can_be_taken_over() {
    let (app, org) = TestApp::start("review-bulk").await;
    let (_cand, sid) = flagged_attempt(&app, &org.exam_id).await;
    let reviewer = app.signed_in(REVIEWER).await;
    let (_, r) = review(&app, &reviewer, &sid).await;
    let (tab, paste) = (flag_id(&r, "TAB_SWITCH"), flag_id(&r, "COPY_PASTE"));

    // Another reviewer holds the claim: the whole bulk decision is refused.
    let other = app.signed_in(REVIEWER_2).await;
    assert_eq!(act(&app, &other, &sid, json!("Claim"), "").await.0, 200);
    let (status, _) = decide(&app, &reviewer, &[&tab, &paste], "DISMISSED", "noise").await;
    assert_eq!(status, 409);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM flags WHERE status = 'OPEN'")
            .await,
        2
    );

    // 30 idle minutes later the claim has lapsed: the queue shows it unclaimed, anyone may act.
    sqlx::query("UPDATE exam_sessions SET claimed_at = $1 WHERE id = $2")
        .bind(now_ms() - 31 * 60 * 1000)
        .bind(&sid)
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, page) = app.queue(&reviewer, json!({"claim": "Unclaimed"})).await;
    assert_eq!(page["sessions"].as_array().unwrap().len(), 1, "{page}");
    let (status, body) = decide(&app, &reviewer, &[&tab, &paste], "DISMISSED", "noise").await;
    assert_eq!((status, body), (200, json!(2)));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM flags WHERE status = 'DISMISSED' AND resolution = 'noise'")
            .await,
        2
    );
    let (_, page) = app.queue(&reviewer, json!({})).await;
    assert_eq!(page["sessions"][0]["risk_score"], 0);
    assert_eq!(act(&app, &reviewer, &sid, json!("Claim"), "").await.0, 200);
    let (_, page) = app.queue(&reviewer, json!({"claim": "Mine"})).await;
    assert_eq!(page["sessions"].as_array().unwrap().len(), 1);
    let (_, page) = app.queue(&other, json!({"claim": "Mine"})).await;
    assert_eq!(page["sessions"], json!([]));

    // A flag of the reviewer's own, at a moment of the session, with a note.
    let (status, _) = app
        .call_json(
            &reviewer,
            "add_review_flag",
            &json!({"session_id": sid, "flag_type": "OTHER", "severity": "HIGH", "at_ms": now_ms(), "note": ""}),
        )
        .await;
    assert_eq!(status, 400, "a note is required");
    let (status, body) = app
        .call_json(
            &reviewer,
            "add_review_flag",
            &json!({"session_id": sid, "flag_type": "OTHER", "severity": "HIGH", "at_ms": 0, "note": "x"}),
        )
        .await;
    assert_eq!(status, 400, "a moment outside the attempt: {body}");
    let (status, body) = app
        .call_json(
            &reviewer,
            "add_review_flag",
            &json!({"session_id": sid, "flag_type": "OTHER", "severity": "HIGH", "at_ms": now_ms(), "note": "a second voice was heard"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, r) = review(&app, &reviewer, &sid).await;
    let own = flag(&r, "OTHER");
    assert_eq!(own["raised_by_person"], true);
    assert_eq!(own["status"], "CONFIRMED");
    assert_eq!(own["note"], "a second voice was heard");
    assert_eq!(r["session"]["risk_score"], 7);
}

#[tokio::test]
async fn the_queue_filters_searches_and_pages_by_keyset() {
    let (app, org) = TestApp::start("review-queue").await;
    let (_cand, sid) = flagged_attempt(&app, &org.exam_id).await;
    let reviewer = app.signed_in(REVIEWER).await;
    let one = |page: &Value| page["sessions"].as_array().unwrap().len();
    assert_eq!(
        one(&app.queue(&reviewer, json!({"flag_type": "COPY_PASTE"})).await.1),
        1
    );
    assert_eq!(
        one(&app
            .queue(&reviewer, json!({"flag_type": "SCREENSHOT_ATTEMPT"}))
            .await
            .1),
        0
    );
    assert_eq!(one(&app.queue(&reviewer, json!({"severity": "HIGH"})).await.1), 0);
    assert_eq!(
        one(&app.queue(&reviewer, json!({"email": "CANDIDATE@demo"})).await.1),
        1
    );
    assert_eq!(
        one(&app.queue(&reviewer, json!({"email": "%"})).await.1),
        0,
        "wildcards match themselves"
    );
    assert_eq!(
        one(&app.queue(&reviewer, json!({"exam_id": org.exam_id})).await.1),
        1
    );
    assert_eq!(one(&app.queue(&reviewer, json!({"state": "CLEAN"})).await.1), 0);
    let (_, page) = app.queue(&reviewer, json!({})).await;
    assert_eq!(page["counts"], json!([["NOT_REVIEWED", 1]]));
    assert_eq!(page["next"], Value::Null);
    // A cursor past the only row gives an empty page; a forged one a 400.
    let (status, page) = app.queue(&reviewer, json!({"after": format!("6:{sid}")})).await;
    assert_eq!((status, one(&page)), (200, 0));
    let (status, body) = app.queue(&reviewer, json!({"after": "nonsense"})).await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = app.queue(&reviewer, json!({"email": "x".repeat(500)})).await;
    assert_eq!(status, 400);

    // Many sessions: pages of 25, riskiest first, every session once.
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT enrollment_id, user_id FROM exam_sessions WHERE id = $1")
            .bind(&sid)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let (enrollment, user) = rows[0].clone();
    for i in 0..60_i64 {
        let id = format!("zz-{i:03}");
        sqlx::query(
            "INSERT INTO exam_sessions (id, exam_id, enrollment_id, user_id, attempt_no, status, started_at, deadline_at, risk_score, flag_count, org_id, in_queue) \
             VALUES ($1, $2, $3, $4, $5, 'COMPLETED', $6, $6, $7, 1, (SELECT org_id FROM exams WHERE id = $2), 1)",
        )
        .bind(&id)
        .bind(&org.exam_id)
        .bind(&enrollment)
        .bind(&user)
        .bind(100 + i)
        .bind(now_ms())
        .bind(i % 7)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let (status, page) = app.queue(&reviewer, json!({"after": after})).await;
        assert_eq!(status, 200, "{page}");
        for s in page["sessions"].as_array().unwrap() {
            seen.push((
                s["risk_score"].as_i64().unwrap(),
                s["session_id"].as_str().unwrap().to_string(),
            ));
        }
        if page["next"].is_null() {
            break;
        }
        after = page["next"].clone();
    }
    assert_eq!(seen.len(), 61);
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "riskiest first, then by id, with no row twice");
}

#[tokio::test]
async fn withheld_results_wait_for_a_person() {
    let (app, org) = TestApp::start("review-withheld").await;
    // The setting is the coordinator's, not the reviewer's.
    let set = [("exam_id", org.exam_id.as_str()), ("withhold", "true")];
    let reviewer = app.signed_in(REVIEWER).await;
    assert_eq!(app.call(&reviewer, "set_withhold_results", &set).await.0, 403);
    let coordinator = app.signed_in("coordinator@demo.vigil.test").await;
    assert_eq!(app.call(&coordinator, "set_withhold_results", &set).await.0, 200);
    let cand = app.signed_in(CANDIDATE).await;
    let sid = app.start_attempt(&cand, &org.exam_id).await;
    let t = now_ms();
    let heartbeat = json!({"session_id": sid, "events": [event(&sid, 1, t, json!({"type": "heartbeat"}))]});
    assert_eq!(app.call_json(&cand, "telemetry", &heartbeat).await.0, 200);
    assert_eq!(
        app.call(&cand, "submit_exam", &[("session_id", &sid)]).await.0,
        200
    );

    let (_, result) = app.call(&cand, "exam_result", &[("session_id", &sid)]).await;
    assert_eq!(result["withheld"], true, "{result}");
    assert_eq!(result["score"], Value::Null);
    assert_eq!(result["questions"], json!([]));
    assert!(
        result["review_status"].as_str().unwrap().contains("Nothing"),
        "{result}"
    );

    // Unflagged, but withheld: it is in the queue for a person to clear.
    let (_, page) = app.queue(&reviewer, json!({})).await;
    assert_eq!(page["sessions"][0]["session_id"], sid.as_str(), "{page}");
    assert_eq!(act(&app, &reviewer, &sid, json!("Claim"), "").await.0, 200);
    assert_eq!(
        act(&app, &reviewer, &sid, json!({"Decide": "CLEAN"}), "").await.0,
        200
    );
    let (_, result) = app.call(&cand, "exam_result", &[("session_id", &sid)]).await;
    assert_eq!(result["withheld"], false);
    assert!(result["score"].is_number(), "{result}");
    assert!(
        result["review_status"].as_str().unwrap().contains("cleared"),
        "{result}"
    );
}

#[tokio::test]
async fn accommodations_relax_rules_per_candidate_and_reviewers_see_them() {
    let (app, org) = TestApp::start("review-relax").await;
    let cand = app.signed_in(CANDIDATE).await;
    let sid = app.start_attempt(&cand, &org.exam_id).await;
    let enrollment: String = sqlx::query_scalar("SELECT enrollment_id FROM exam_sessions WHERE id = $1")
        .bind(&sid)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let set = |who: Client, minutes: &'static str, focus: bool| {
        let enrollment = enrollment.clone();
        let app = &app;
        async move {
            let mut form = vec![("enrollment_id", enrollment.as_str()), ("break_minutes", minutes)];
            if focus {
                form.push(("focus_rule_off", "on"));
            }
            app.call(&who, "set_rule_relaxations", &form).await
        }
    };
    // Only the exam's enrollment manager sets them, within bounds.
    assert_eq!(set(cand.clone(), "5", false).await.0, 403);
    let manager = app.signed_in("enrollment@demo.vigil.test").await;
    let (status, body) = set(manager.clone(), "9999", false).await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("0 to 240"), "{body}");
    assert_eq!(set(manager.clone(), "5", true).await.0, 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'RELAXATIONS_SET'")
            .await,
        1
    );

    // Four minutes away and eight focus losses: within the candidate's accommodations.
    let t = now_ms();
    let mut events = vec![event(&sid, 1, t, json!({"type": "visibility_hidden"}))];
    for i in 1..=48 {
        events.push(event(&sid, 1 + i, t + i * 5_000, json!({"type": "heartbeat"})));
    }
    events.push(event(
        &sid,
        50,
        t + 240_001,
        json!({"type": "visibility_visible"}),
    ));
    for i in 0..8 {
        events.push(event(
            &sid,
            51 + i,
            t + 241_000 + i * 1_000,
            json!({"type": "window_blur"}),
        ));
    }
    let (status, body) = app
        .call_json(&cand, "telemetry", &json!({"session_id": sid, "events": events}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM flags WHERE flag_type IN ('TAB_SWITCH', 'WINDOW_BLUR')")
            .await,
        0
    );
    // A longer absence is still flagged, and the reviewer reads the accommodations beside it.
    let later = t + 300_000;
    let away = json!({"session_id": sid, "events": [
        event(&sid, 59, later, json!({"type": "visibility_hidden"})),
        event(&sid, 60, later + 6 * 60_000, json!({"type": "visibility_visible"})),
    ]});
    assert_eq!(app.call_json(&cand, "telemetry", &away).await.0, 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM flags WHERE flag_type = 'TAB_SWITCH'")
            .await,
        1
    );
    let reviewer = app.signed_in(REVIEWER).await;
    let (_, r) = review(&app, &reviewer, &sid).await;
    let accommodations = r["session"]["accommodations"].to_string();
    assert!(accommodations.contains("up to 5 minute(s)"), "{accommodations}");
    assert!(
        accommodations.contains("focus-loss rule is off"),
        "{accommodations}"
    );
}
