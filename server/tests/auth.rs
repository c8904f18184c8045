mod common;

use common::{message, TestApp, PASSWORD};

const CANDIDATE: &str = "candidate@demo.vigil.test";

#[tokio::test]
async fn sign_up_sets_a_safe_cookie_and_stores_only_a_hash() {
    let (app, _) = TestApp::start("signup").await;
    let client = app.client();
    let r = client
        .post(format!("{}/api/sign_up", app.base))
        .form(&[
            ("email", " New.Person@Example.org "),
            ("display_name", "New  Person"),
            ("password", "a long enough password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookie = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string();
    assert_eq!(token.len(), 64, "256-bit token in hex");
    let stored = app
        .count(&format!(
            "SELECT COUNT(*) FROM sessions WHERE token_hash = '{token}'"
        ))
        .await;
    assert_eq!(stored, 0, "the raw token is never stored");
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);

    let (status, me) = app.call(&client, "me", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(me["email"], "new.person@example.org");
    assert_eq!(me["display_name"], "New Person");

    // The same email again is refused with a reason, and nothing is added.
    let (status, body) = app
        .call(
            &app.client(),
            "sign_up",
            &[
                ("email", "new.person@example.org"),
                ("display_name", "X"),
                ("password", "another long password"),
            ],
        )
        .await;
    assert_eq!(status, 409);
    assert!(message(&body).contains("already exists"));
    let (status, body) = app
        .call(
            &app.client(),
            "sign_up",
            &[
                ("email", "x@example.org"),
                ("display_name", "X"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("at least 10 characters"), "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email LIKE '%example.org'")
            .await,
        1
    );
}

#[tokio::test]
async fn wrong_email_and_wrong_password_get_the_same_answer() {
    let (app, _) = TestApp::start("generic").await;
    let c = app.client();
    let (s1, b1) = app
        .call(
            &c,
            "sign_in",
            &[("email", CANDIDATE), ("password", "wrong password!")],
        )
        .await;
    let (s2, b2) = app
        .call(
            &c,
            "sign_in",
            &[
                ("email", "nobody@demo.vigil.test"),
                ("password", "wrong password!"),
            ],
        )
        .await;
    assert_eq!((s1, s2), (400, 400));
    assert_eq!(b1, b2);
    assert!(message(&b1).contains("do not match"));
    let (status, me) = app.call(&c, "me", &[]).await;
    assert_eq!((status, me), (200, serde_json::Value::Null), "still signed out");
}

#[tokio::test]
async fn repeated_failures_from_one_address_lock_it_out_and_everything_is_audited() {
    let (app, _) = TestApp::start("lockout").await;
    let c = app.client();
    for _ in 0..5 {
        let (status, _) = app
            .call(
                &c,
                "sign_in",
                &[("email", CANDIDATE), ("password", "not the password")],
            )
            .await;
        assert_eq!(status, 400);
    }
    // Even the right password is refused while the account cools down.
    let (status, body) = app
        .call(&c, "sign_in", &[("email", CANDIDATE), ("password", PASSWORD)])
        .await;
    assert_eq!(status, 429, "{body}");
    assert!(message(&body).contains("Too many sign-in attempts"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'SIGN_IN_FAILED'")
            .await,
        5
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'SIGN_IN_REFUSED'")
            .await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);

    // Other accounts are unaffected.
    let reviewer = app.signed_in("reviewer@demo.vigil.test").await;
    let (_, me) = app.call(&reviewer, "me", &[]).await;
    assert_eq!(me["email"], "reviewer@demo.vigil.test");
}

#[tokio::test]
async fn sign_out_ends_the_session_for_good() {
    let (app, _) = TestApp::start("signout").await;
    let client = app.signed_in(CANDIDATE).await;
    let (_, me) = app.call(&client, "me", &[]).await;
    assert_eq!(me["roles"], serde_json::json!(["CANDIDATE"]));

    let (status, _) = app.call(&client, "sign_out", &[]).await;
    assert_eq!(status, 200);
    let (_, me) = app.call(&client, "me", &[]).await;
    assert_eq!(me, serde_json::Value::Null);
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'SIGN_IN'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'SIGN_OUT'")
            .await,
        1
    );
}
