//! Passkeys, from the server's side: what a ceremony offers the browser, and every answer an
//! attacker could send instead of a real authenticator's (the real ceremony runs in Chromium with
//! its virtual authenticator: `end2end/tests/passkeys.spec.js`).

mod common;

use app::server::demo;
use common::{message, TestApp};
use serde_json::{json, Value};

const CANDIDATE: &str = "candidate@demo.vigil.test";

/// A server whose public URL has a host name: WebAuthn refuses an IP address as the relying
/// party. (Requests here carry no `Origin`, so the port need not match.)
async fn start(label: &str) -> TestApp {
    let (db_url, pool) = common::fresh_database(label).await;
    demo::seed_demo(&pool).await.expect("seed demo");
    TestApp::spawn_with(db_url, pool, &[("VIGIL_PUBLIC_URL", "http://localhost:3000")]).await
}

fn options(body: &Value) -> Value {
    serde_json::from_str(body["options"].as_str().expect("options")).expect("options are JSON")
}

/// Shaped like a browser's answer, signed by nothing.
fn forged_registration() -> String {
    json!({
        "id": "AAAA", "rawId": "AAAA", "type": "public-key",
        "response": {"attestationObject": "AAAA", "clientDataJSON": "AAAA"}
    })
    .to_string()
}

fn forged_assertion(user_handle: &str) -> String {
    json!({
        "id": "AAAA", "rawId": "AAAA", "type": "public-key",
        "response": {"authenticatorData": "AAAA", "clientDataJSON": "AAAA", "signature": "AAAA", "userHandle": user_handle}
    })
    .to_string()
}

#[tokio::test]
async fn registration_offers_a_discoverable_passkey_and_refuses_forged_answers() {
    let app = start("passkey_register").await;
    let me = app.signed_in(CANDIDATE).await;

    for bad in ["", "   ", &"x".repeat(61)] {
        let (status, body) = app.call(&me, "begin_passkey", &[("name", bad)]).await;
        assert_eq!(status, 400, "{bad:?}: {body}");
    }
    let (status, body) = app.call(&me, "begin_passkey", &[("name", "Laptop")]).await;
    assert_eq!(status, 200, "{body}");
    let opts = options(&body);
    assert_eq!(opts["rp"]["id"], "localhost");
    assert_eq!(opts["user"]["name"], CANDIDATE);
    assert_eq!(opts["authenticatorSelection"]["residentKey"], "preferred");
    assert_eq!(opts["authenticatorSelection"]["userVerification"], "required");
    assert!(
        opts["challenge"].as_str().is_some_and(|c| c.len() >= 43),
        "{opts}"
    );
    let ceremony = body["ceremony"].as_str().unwrap().to_string();

    // Another person cannot finish it; nor can anyone with a made-up ceremony.
    let other = app.signed_in("author@demo.vigil.test").await;
    let (status, _) = app
        .call(
            &other,
            "add_passkey",
            &[("ceremony", &ceremony), ("answer", &forged_registration())],
        )
        .await;
    assert_eq!(status, 409);
    let (status, body) = app
        .call(
            &me,
            "add_passkey",
            &[("ceremony", "made-up"), ("answer", &forged_registration())],
        )
        .await;
    assert_eq!(status, 409, "{body}");

    // Not an answer, or far too large: refused before anything is looked up.
    let (status, body) = app
        .call(
            &me,
            "add_passkey",
            &[("ceremony", &ceremony), ("answer", "{not json")],
        )
        .await;
    assert_eq!(
        (status, message(&body).contains("not a passkey answer")),
        (400, true),
        "{body}"
    );
    let huge = format!("{{\"id\": \"{}\"}}", "A".repeat(70_000));
    let (status, body) = app
        .call(&me, "add_passkey", &[("ceremony", &ceremony), ("answer", &huge)])
        .await;
    assert_eq!(
        (status, message(&body).contains("too large")),
        (400, true),
        "{body}"
    );

    // A forged answer to a live ceremony is verified and refused; the ceremony is then used up.
    let (_, body) = app.call(&me, "begin_passkey", &[("name", "Laptop")]).await;
    let ceremony = body["ceremony"].as_str().unwrap().to_string();
    let (status, body) = app
        .call(
            &me,
            "add_passkey",
            &[("ceremony", &ceremony), ("answer", &forged_registration())],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(message(&body).contains("could not be verified"), "{body}");
    let (status, _) = app
        .call(
            &me,
            "add_passkey",
            &[("ceremony", &ceremony), ("answer", &forged_registration())],
        )
        .await;
    assert_eq!(status, 409, "a ceremony is answered once");
    assert_eq!(app.count("SELECT COUNT(*) FROM passkeys").await, 0);
}

#[tokio::test]
async fn a_forged_sign_in_is_refused_and_ceremonies_are_limited() {
    let app = start("passkey_sign_in").await;
    let visitor = app.client();
    let (status, body) = app
        .call(&visitor, "begin_passkey_sign_in", &[("second_step", "false")])
        .await;
    assert_eq!(status, 200, "{body}");
    let opts = options(&body);
    assert_eq!(opts["rpId"], "localhost");
    // No account is named: the passkey says whose it is.
    assert!(
        opts.get("allowCredentials")
            .is_none_or(|a| a.as_array().is_some_and(Vec::is_empty)),
        "{opts}"
    );
    let ceremony = body["ceremony"].as_str().unwrap().to_string();

    // A user handle that names no one, then (the ceremony used up) anything at all.
    let handle = "AAAAAAAAAAAAAAAAAAAAAA";
    let (status, body) = app
        .call(
            &visitor,
            "passkey_sign_in",
            &[("ceremony", &ceremony), ("answer", &forged_assertion(handle))],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(message(&body).contains("not accepted"), "{body}");
    let (status, _) = app
        .call(
            &visitor,
            "passkey_sign_in",
            &[("ceremony", &ceremony), ("answer", &forged_assertion(handle))],
        )
        .await;
    assert_eq!(status, 409);
    let (_, me) = app.call(&visitor, "me", &[]).await;
    assert_eq!(me, Value::Null);

    // The second step needs a right password first.
    let (status, body) = app
        .call(&visitor, "begin_passkey_sign_in", &[("second_step", "true")])
        .await;
    assert_eq!(status, 409, "{body}");

    // Each ceremony stores a row: one address may start only so many.
    let mut refused = None;
    for i in 0..80 {
        let (status, _) = app
            .call(&visitor, "begin_passkey_sign_in", &[("second_step", "false")])
            .await;
        if status == 429 {
            refused = Some(i);
            break;
        }
        assert_eq!(status, 200);
    }
    assert!(refused.is_some(), "starts from one address are limited");
    assert!(app.count("SELECT COUNT(*) FROM passkey_ceremonies").await <= 60);
}

#[tokio::test]
async fn nobody_removes_another_persons_passkey() {
    let app = start("passkey_remove").await;
    let me = app.signed_in(CANDIDATE).await;
    let owner: String = sqlx::query_scalar("SELECT id FROM users WHERE email = 'author@demo.vigil.test'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO passkeys (id, user_id, credential_id, name, credential, created_at) \
         VALUES ('pk-author', $1, 'abcd', 'Author key', '{}', 0)",
    )
    .bind(&owner)
    .execute(&app.pool)
    .await
    .unwrap();
    let (status, body) = app
        .call(&me, "remove_passkey", &[("passkey_id", "pk-author")])
        .await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM passkeys").await, 1);
    let (_, mine) = app.call(&me, "my_passkeys", &[]).await;
    assert_eq!(mine, json!([]));
}

#[tokio::test]
async fn a_passkey_counts_as_the_second_factor_an_organisation_requires() {
    let app = start("passkey_required").await;
    let admin = app.signed_in("admin@demo.vigil.test").await;
    let id: String = sqlx::query_scalar("SELECT id FROM users WHERE email = 'admin@demo.vigil.test'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO passkeys (id, user_id, credential_id, name, credential, created_at) \
         VALUES ('pk-admin', $1, 'abcd', 'Admin key', '{}', 0)",
    )
    .bind(&id)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE organizations SET staff_second_factor = 1")
        .execute(&app.pool)
        .await
        .unwrap();
    // With the passkey, the staff pages open (without any second factor they are refused).
    let org: String =
        sqlx::query_scalar("SELECT org_id FROM user_roles WHERE user_id = $1 AND role = 'ORG_ADMIN'")
            .bind(&id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let (status, body) = app.call(&admin, "org_settings", &[("org_id", &org)]).await;
    assert_eq!(status, 200, "{body}");
    // The last second factor cannot be removed while the organisation requires one.
    let (status, body) = app
        .call(&admin, "remove_passkey", &[("passkey_id", "pk-admin")])
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(message(&body).contains("last one"), "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM passkeys").await, 1);
    // A password alone now leads to the second step, offering the passkey.
    let (status, outcome) = app
        .call(
            &app.client(),
            "sign_in",
            &[("email", "admin@demo.vigil.test"), ("password", common::PASSWORD)],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(outcome, json!({"SecondFactor": {"code": false, "passkey": true}}));
}
