mod common;

use app::server::demo;
use common::{message, TestApp};
use shared::Role;

const OTHER_USERS: &[(&str, &str, &[Role])] = &[
    ("admin@other.vigil.test", "Olga Other", &[Role::OrgAdmin]),
    (
        "reviewer@other.vigil.test",
        "Rolf Other",
        &[Role::ProctorReviewer],
    ),
    ("candidate@other.vigil.test", "Carl Other", &[Role::Candidate]),
];

#[tokio::test]
async fn organisations_never_see_each_others_exams() {
    let (app, demo_org) = TestApp::start("tenancy").await;
    let other = demo::seed_org(&app.pool, "Other College", "other", OTHER_USERS, "Other exam")
        .await
        .unwrap();

    // The other organisation's admin reads their own exam…
    let admin_b = app.signed_in("admin@other.vigil.test").await;
    let (status, exam) = app.call(&admin_b, "exam", &[("exam_id", &other.exam_id)]).await;
    assert_eq!(status, 200, "{exam}");
    assert_eq!(exam["title"], "Other exam");
    // …but not the demo organisation's.
    let (status, body) = app
        .call(&admin_b, "exam", &[("exam_id", &demo_org.exam_id)])
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(message(&body).contains("do not have access"));

    // A candidate reads the exam they are enrolled in, and no other.
    let cand_a = app.signed_in("candidate@demo.vigil.test").await;
    let (status, _) = app.call(&cand_a, "exam", &[("exam_id", &demo_org.exam_id)]).await;
    assert_eq!(status, 200);
    let (status, _) = app.call(&cand_a, "exam", &[("exam_id", &other.exam_id)]).await;
    assert_eq!(status, 403);
    let (status, _) = app
        .call(
            &cand_a,
            "start_exam",
            &[("exam_id", &other.exam_id), ("consent", "true")],
        )
        .await;
    assert_eq!(status, 403);

    // Staff of the demo organisation in any reading role may read it; a visitor may not.
    let author = app.signed_in("author@demo.vigil.test").await;
    let (status, _) = app.call(&author, "exam", &[("exam_id", &demo_org.exam_id)]).await;
    assert_eq!(status, 200);
    let (status, _) = app
        .call(&app.client(), "exam", &[("exam_id", &demo_org.exam_id)])
        .await;
    assert_eq!(status, 401);
    let (status, _) = app.call(&author, "exam", &[("exam_id", "no-such-exam")]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn reviewers_only_see_their_own_organisations_sessions() {
    let (app, demo_org) = TestApp::start("tenancy-review").await;
    demo::seed_org(&app.pool, "Other College", "other", OTHER_USERS, "Other exam")
        .await
        .unwrap();

    let cand = app.signed_in("candidate@demo.vigil.test").await;
    let session_id = app.start_attempt(&cand, &demo_org.exam_id).await;
    let now = common::now_ms();
    let batch = serde_json::json!({"session_id": session_id, "events": [
        {"v":1,"session_id":session_id,"seq":1,"client_ms":now,"kind":{"type":"visibility_hidden"}},
        {"v":1,"session_id":session_id,"seq":2,"client_ms":now + 3_000,"kind":{"type":"visibility_visible"}},
    ]});
    let (status, ack) = app.call_json(&cand, "telemetry", &batch).await;
    assert_eq!(status, 200, "{ack}");

    let reviewer_a = app.signed_in("reviewer@demo.vigil.test").await;
    let (_, page) = app.queue(&reviewer_a, serde_json::json!({})).await;
    assert_eq!(page["sessions"].as_array().unwrap().len(), 1);

    let reviewer_b = app.signed_in("reviewer@other.vigil.test").await;
    let (status, page) = app.queue(&reviewer_b, serde_json::json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(page["sessions"], serde_json::json!([]));

    // A candidate is not a reviewer anywhere.
    let (status, _) = app.queue(&cand, serde_json::json!({})).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn enrollment_and_grading_stay_inside_the_organisation() {
    let (app, demo_org) = TestApp::start("tenancy-manage").await;
    demo::seed_org(&app.pool, "Other College", "other", OTHER_USERS, "Other exam")
        .await
        .unwrap();
    // The other organisation's admin manages enrollments and grades there, not here.
    let admin_b = app.signed_in("admin@other.vigil.test").await;
    let (status, _) = app
        .call(&admin_b, "roster", &[("exam_id", &demo_org.exam_id)])
        .await;
    assert_eq!(status, 403);
    let (status, _) = app
        .call(
            &admin_b,
            "invite",
            &[("exam_id", &demo_org.exam_id), ("emails", "x@example.org")],
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 0);
    let (_, exams) = app.call(&admin_b, "managed_exams", &[]).await;
    let titles: Vec<&str> = exams
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["title"].as_str())
        .collect();
    assert_eq!(titles, vec!["Other exam"]);

    // The demo candidate's submitted attempt is not the other organisation's to grade.
    let cand = app.signed_in("candidate@demo.vigil.test").await;
    let sid = app.start_attempt(&cand, &demo_org.exam_id).await;
    assert_eq!(
        app.call(&cand, "submit_exam", &[("session_id", &sid)]).await.0,
        200
    );
    let (status, _) = app.call(&admin_b, "grading_sheet", &[("session_id", &sid)]).await;
    assert_eq!(status, 403);
    let (_, queue) = app.call(&admin_b, "grading_queue", &[]).await;
    assert_eq!(queue.as_array().map(Vec::len), Some(0));
}
