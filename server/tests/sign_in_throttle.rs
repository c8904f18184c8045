//! Sign-in throttling as an attacker meets it: parallel guesses, a stranger trying to lock a
//! candidate out, forged forwarding headers, and many addresses at one account.

mod common;

use common::{message, TestApp, PASSWORD};
use futures_util::future::join_all;

const CANDIDATE: &str = "candidate@demo.vigil.test";

/// A sign-in from `address` as a trusted proxy in front of Vigil would forward it.
async fn sign_in_from(app: &TestApp, address: impl AsRef<str>, password: &str) -> (u16, serde_json::Value) {
    let r = app
        .client()
        .post(format!("{}/api/sign_in", app.base))
        .header("x-forwarded-for", address.as_ref())
        .form(&[("email", CANDIDATE), ("password", password)])
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

async fn behind_a_proxy(label: &str) -> TestApp {
    let (db_url, pool) = common::fresh_database(label).await;
    app::server::demo::seed_demo(&pool).await.unwrap();
    TestApp::spawn_with(db_url, pool, &[("VIGIL_TRUSTED_PROXIES", "127.0.0.1")]).await
}

#[tokio::test]
async fn parallel_guesses_do_not_slip_past_the_limit_and_a_stranger_cannot_lock_the_candidate_out() {
    let app = behind_a_proxy("throttle_pair").await;
    let guesses = (0..20).map(|_| sign_in_from(&app, "203.0.113.66", "not the password"));
    let statuses: Vec<u16> = join_all(guesses).await.into_iter().map(|(s, _)| s).collect();
    let checked = statuses.iter().filter(|s| **s == 400).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(
        (checked, refused),
        (5, 15),
        "only five passwords are tried from one address, however parallel: {statuses:?}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'SIGN_IN_FAILED'")
            .await,
        5
    );

    // The stranger is locked out even with the right password...
    let (status, body) = sign_in_from(&app, "203.0.113.66", PASSWORD).await;
    assert_eq!(status, 429, "{body}");
    assert!(message(&body).contains("Wait 15 minutes"), "{body}");
    // ...while the candidate, from their own network, signs in.
    let (status, body) = sign_in_from(&app, "198.51.100.7", PASSWORD).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn forwarded_addresses_are_not_believed_without_a_trusted_proxy() {
    let (app, _) = TestApp::start("throttle_forged").await;
    for i in 0..5 {
        let (status, _) = sign_in_from(&app, format!("192.0.2.{i}"), "not the password").await;
        assert_eq!(status, 400);
    }
    // A new forged address changes nothing: the attempts all came from one socket.
    let (status, body) = sign_in_from(&app, "192.0.2.99", "not the password").await;
    assert_eq!(status, 429, "{body}");
    let addresses = app
        .count(
            "SELECT COUNT(DISTINCT ip) FROM audit_log WHERE action IN ('SIGN_IN_FAILED', 'SIGN_IN_REFUSED')",
        )
        .await;
    assert_eq!(
        addresses, 1,
        "the audit log records the socket's address, not the forged ones"
    );
}

#[tokio::test]
async fn many_addresses_meet_a_growing_delay_but_a_known_address_gets_in() {
    let app = behind_a_proxy("throttle_account").await;
    // The candidate signed in from home last week.
    let (status, _) = sign_in_from(&app, "198.51.100.7", PASSWORD).await;
    assert_eq!(status, 200);

    // A botnet tries the account from ten addresses, once each: no pair reaches its limit.
    for i in 0..app::server::throttle::ACCOUNT_FREE_FAILURES {
        let (status, _) = sign_in_from(&app, format!("203.0.113.{i}"), "not the password").await;
        assert_eq!(status, 400);
    }
    // The next new address must wait, and is told how long.
    let (status, body) = sign_in_from(&app, "203.0.113.200", PASSWORD).await;
    assert_eq!(status, 429, "{body}");
    assert!(message(&body).contains("Wait a second"), "{body}");
    // Parallel tries from new addresses once the delay passes get one turn between them.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let tries = (0..6).map(|i| sign_in_from(&app, format!("203.0.114.{i}"), "not the password"));
    let statuses: Vec<u16> = join_all(tries).await.into_iter().map(|(s, _)| s).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 400).count(), 1, "{statuses:?}");

    // The candidate's own address is not delayed: the account is not locked.
    let (status, body) = sign_in_from(&app, "198.51.100.7", PASSWORD).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn sign_ups_from_one_address_are_limited() {
    let (app, _) = TestApp::start("throttle_signup").await;
    for i in 0..app::server::throttle::SIGN_UP_LIMIT {
        let (status, body) = app
            .call(
                &app.client(),
                "sign_up",
                &[
                    ("email", &format!("new{i}@example.org")),
                    ("display_name", "New Person"),
                    ("password", "a long enough password"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = app
        .call(
            &app.client(),
            "sign_up",
            &[
                ("email", "one-too-many@example.org"),
                ("display_name", "New Person"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'one-too-many@example.org'")
            .await,
        0
    );
}
