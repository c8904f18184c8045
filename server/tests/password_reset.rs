//! Password reset by email: the same answer for every address, a link that works once for
//! 30 minutes, and every session ended when it is used.

mod common;

use common::{message, TestApp, PASSWORD};
use serde_json::Value;

const CANDIDATE: &str = "candidate@demo.vigil.test";

async fn reset_link(app: &TestApp, email: &str) -> String {
    let body: String =
        sqlx::query_scalar("SELECT body FROM outbox WHERE to_email = $1 ORDER BY created_at DESC LIMIT 1")
            .bind(email)
            .fetch_one(&app.pool)
            .await
            .expect("a reset message");
    let link = body
        .split_whitespace()
        .find(|w| w.contains("/reset/"))
        .expect("a link")
        .to_string();
    link.rsplit('/').next().unwrap().to_string()
}

#[tokio::test]
async fn a_reset_link_works_once_and_ends_every_session() {
    let (app, _) = TestApp::start("reset").await;
    let signed_in = app.signed_in(CANDIDATE).await;

    let (s1, b1) = app
        .call(&app.client(), "request_password_reset", &[("email", CANDIDATE)])
        .await;
    let (s2, b2) = app
        .call(
            &app.client(),
            "request_password_reset",
            &[("email", "nobody@demo.vigil.test")],
        )
        .await;
    assert_eq!(
        (s1, &b1),
        (s2, &b2),
        "the same answer whether or not the account exists"
    );
    assert_eq!(s1, 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox").await,
        1,
        "mail only to the real account"
    );
    let token = reset_link(&app, CANDIDATE).await;
    let raw_stored = app
        .count(&format!(
            "SELECT COUNT(*) FROM password_resets WHERE token_hash = '{token}'"
        ))
        .await;
    assert_eq!(raw_stored, 0, "only the token's hash is kept");

    // A bad password is refused and the link stays usable.
    let (status, body) = app
        .call(
            &app.client(),
            "reset_password",
            &[("token", &token), ("new_password", "short")],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let new = "my fresh reset password";
    let (status, body) = app
        .call(
            &app.client(),
            "reset_password",
            &[("token", &token), ("new_password", new)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, me) = app.call(&signed_in, "me", &[]).await;
    assert_eq!(me, Value::Null, "every session ended");
    let (status, _) = app
        .call(
            &app.client(),
            "sign_in",
            &[("email", CANDIDATE), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = app
        .call(
            &app.client(),
            "sign_in",
            &[("email", CANDIDATE), ("password", new)],
        )
        .await;
    assert_eq!(status, 200);

    let (status, body) = app
        .call(
            &app.client(),
            "reset_password",
            &[("token", &token), ("new_password", "another new password")],
        )
        .await;
    assert_eq!(status, 400, "used once: {body}");
    assert!(message(&body).contains("expired or was already used"), "{body}");
    let (status, _) = app
        .call(
            &app.client(),
            "sign_in",
            &[("email", CANDIDATE), ("password", new)],
        )
        .await;
    assert_eq!(status, 200, "the refused reuse changed nothing");
}

#[tokio::test]
async fn an_expired_or_invented_link_changes_nothing_and_asking_is_throttled() {
    let (app, _) = TestApp::start("reset_expiry").await;
    let (status, _) = app
        .call(&app.client(), "request_password_reset", &[("email", CANDIDATE)])
        .await;
    assert_eq!(status, 200);
    let token = reset_link(&app, CANDIDATE).await;
    sqlx::query("UPDATE password_resets SET expires_at = $1")
        .bind(common::now_ms() - 1)
        .execute(&app.pool)
        .await
        .unwrap();
    for t in [token.as_str(), "0000", "' OR 1=1 --"] {
        let (status, _) = app
            .call(
                &app.client(),
                "reset_password",
                &[("token", t), ("new_password", "a takeover password")],
            )
            .await;
        assert_eq!(status, 400, "{t}");
    }
    let (status, _) = app
        .call(
            &app.client(),
            "sign_in",
            &[("email", CANDIDATE), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(status, 200, "the password is unchanged");

    // Mail-bombing one person is capped per email (counted whether or not it exists).
    for _ in 1..app::server::throttle::RESET_LIMIT_PER_EMAIL {
        let (status, _) = app
            .call(&app.client(), "request_password_reset", &[("email", CANDIDATE)])
            .await;
        assert_eq!(status, 200);
    }
    let (status, body) = app
        .call(&app.client(), "request_password_reset", &[("email", CANDIDATE)])
        .await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox").await,
        app::server::throttle::RESET_LIMIT_PER_EMAIL
    );
}
