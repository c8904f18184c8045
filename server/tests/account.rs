//! A person's own account: password change ending the other sessions, "where you are signed
//! in" with signing a device out, and the name they go by.

mod common;

use common::{message, TestApp, PASSWORD};
use serde_json::Value;

const CANDIDATE: &str = "candidate@demo.vigil.test";

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_signs_out_everywhere_else() {
    let (app, _) = TestApp::start("password_change").await;
    let laptop = app.signed_in(CANDIDATE).await;
    let phone = app.signed_in(CANDIDATE).await;
    let new = "a brand new passphrase";

    let (status, body) = app
        .call(
            &laptop,
            "change_password",
            &[("current_password", "a wrong guess!!"), ("new_password", new)],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(message(&body).contains("current password is not right"), "{body}");
    let (status, body) = app
        .call(
            &laptop,
            "change_password",
            &[("current_password", PASSWORD), ("new_password", "short")],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (_, me) = app.call(&phone, "me", &[]).await;
    assert_eq!(me["email"], CANDIDATE, "refusals change nothing");

    let (status, ended) = app
        .call(
            &laptop,
            "change_password",
            &[("current_password", PASSWORD), ("new_password", new)],
        )
        .await;
    assert_eq!((status, ended), (200, Value::from(1)));
    let (_, me) = app.call(&phone, "me", &[]).await;
    assert_eq!(me, Value::Null, "the other session ended with the old password");
    let (_, me) = app.call(&laptop, "me", &[]).await;
    assert_eq!(me["email"], CANDIDATE, "the session that changed it goes on");

    let (status, _) = app
        .call(
            &app.client(),
            "sign_in",
            &[("email", CANDIDATE), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(status, 400, "the old password is gone");
    let (status, _) = app
        .call(
            &app.client(),
            "sign_in",
            &[("email", CANDIDATE), ("password", new)],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'PASSWORD_CHANGED'")
            .await,
        1
    );
    let (status, _) = app
        .call(
            &app.client(),
            "change_password",
            &[("current_password", new), ("new_password", "whatever it is")],
        )
        .await;
    assert_eq!(status, 401, "signed out, nobody's password changes");
}

#[tokio::test]
async fn a_person_lists_their_sessions_and_signs_one_out_but_not_someone_elses() {
    let (app, _) = TestApp::start("my_sessions").await;
    let here = app.signed_in(CANDIDATE).await;
    let there = app.signed_in(CANDIDATE).await;
    let reviewer = app.signed_in("reviewer@demo.vigil.test").await;

    let (status, list) = app.call(&here, "my_sessions", &[]).await;
    assert_eq!(status, 200, "{list}");
    let list = list.as_array().unwrap().clone();
    assert_eq!(list.len(), 2, "only the candidate's own: {list:?}");
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);
    let other = list.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Someone else's session id is not theirs to end.
    let (status, body) = app
        .call(&reviewer, "end_my_session", &[("session_id", &other)])
        .await;
    assert_eq!(status, 404, "{body}");
    let (_, me) = app.call(&there, "me", &[]).await;
    assert_eq!(me["email"], CANDIDATE);

    let (status, _) = app.call(&here, "end_my_session", &[("session_id", &other)]).await;
    assert_eq!(status, 200);
    let (_, me) = app.call(&there, "me", &[]).await;
    assert_eq!(me, Value::Null);
    let (_, me) = app.call(&here, "me", &[]).await;
    assert_eq!(me["email"], CANDIDATE);
    let (status, _) = app.call(&here, "end_my_session", &[("session_id", &other)]).await;
    assert_eq!(status, 404, "already ended");
}

#[tokio::test]
async fn the_display_name_is_checked_and_saved() {
    let (app, _) = TestApp::start("profile").await;
    let client = app.signed_in(CANDIDATE).await;
    let (status, body) = app
        .call(&client, "set_display_name", &[("display_name", "   ")])
        .await;
    assert_eq!(status, 400, "{body}");
    let long = "x".repeat(10_000);
    let (status, _) = app
        .call(&client, "set_display_name", &[("display_name", &long)])
        .await;
    assert_eq!(status, 400);
    let (status, saved) = app
        .call(
            &client,
            "set_display_name",
            &[("display_name", "  Cam   Candidate-Smith ")],
        )
        .await;
    assert_eq!((status, saved), (200, Value::from("Cam Candidate-Smith")));
    let (_, me) = app.call(&client, "me", &[]).await;
    assert_eq!(me["display_name"], "Cam Candidate-Smith");
}

#[tokio::test]
async fn guessable_passwords_are_refused_with_the_reason() {
    let (app, _) = TestApp::start("password_strength").await;
    let (status, body) = app
        .call(
            &app.client(),
            "sign_up",
            &[
                ("email", "pat@x.test"),
                ("display_name", "Pat Quillfeather"),
                ("password", "password1234"),
            ],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(message(&body).contains("too easy to guess"), "{body}");
    let (status, body) = app
        .call(
            &app.client(),
            "sign_up",
            &[
                ("email", "pat@x.test"),
                ("display_name", "Pat Quillfeather"),
                ("password", "quillfeather2026"),
            ],
        )
        .await;
    assert_eq!(status, 400, "one's own name is guessed first: {body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'pat@x.test'")
            .await,
        0
    );

    let laptop = app.signed_in(CANDIDATE).await;
    let (status, body) = app
        .call(
            &laptop,
            "change_password",
            &[("current_password", PASSWORD), ("new_password", "qwertyuiop")],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(message(&body).contains("too easy to guess"), "{body}");
}
