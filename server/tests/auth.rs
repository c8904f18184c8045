mod common;

use common::{message, TestApp, PASSWORD};

const CANDIDATE: &str = "candidate@demo.vigil.test";

#[tokio::test]
async fn sign_up_proves_the_address_before_the_account_signs_in() {
    let (app, _) = TestApp::start("signup").await;
    let pool = app.pool.clone();
    let client = app.client();
    let (status, body) = app
        .call(
            &client,
            "sign_up",
            &[
                ("email", " New.Person@Example.org "),
                ("display_name", "New  Person"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // Signing up opens no session: the address is not proven yet.
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
    let (_, me) = app.call(&client, "me", &[]).await;
    assert_eq!(me, serde_json::Value::Null);

    // The right password is refused until the link is followed, and a new link goes out.
    let (status, body) = app
        .call(
            &client,
            "sign_in",
            &[
                ("email", "new.person@example.org"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(message(&body).contains("Confirm your email address"), "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM email_verifications").await,
        2,
        "the sign-up's link and a fresh one"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);

    let (link, token) = common::link_in_outbox(&pool, "new.person@example.org", "/verify-email/").await;
    assert!(link.starts_with(&app.base), "{link}");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM email_verifications WHERE token_hash = '{token}'"
        ))
        .await,
        0,
        "only the token's hash is stored"
    );
    let r = client
        .post(format!("{}/api/confirm_email", app.base))
        .form(&[("token", token.as_str())])
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
    let (status, me) = app.call(&client, "me", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(me["email"], "new.person@example.org");
    assert_eq!(me["display_name"], "New Person");

    // The link works once.
    let (status, body) = app
        .call(&app.client(), "confirm_email", &[("token", &token)])
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(message(&body).contains("expired or was already used"), "{body}");

    // The same address again gets the same answer; no account is added, and the owner is told.
    let (status, body) = app
        .call(
            &app.client(),
            "sign_up",
            &[
                ("email", "new.person@example.org"),
                ("display_name", "Someone Else"),
                ("password", "another long password"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let note: String = sqlx::query_scalar(
        "SELECT subject FROM outbox WHERE to_email = 'new.person@example.org' ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(note, "You already have a Vigil account");
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
async fn invitation_only_closes_the_sign_up_form() {
    let (app, _) = TestApp::start("invitation_only").await;
    let admin = app.signed_in("admin@demo.vigil.test").await;
    let (status, body) = app.call(&app.client(), "sign_up_open", &[]).await;
    assert_eq!((status, body), (200, serde_json::Value::Bool(true)));
    // Only an operator may close it.
    let (status, _) = app.call(&admin, "set_self_sign_up", &[("on", "false")]).await;
    assert_eq!(status, 403);
    let operator = app.signed_in("superadmin@demo.vigil.test").await;
    let (status, body) = app.call(&operator, "set_self_sign_up", &[("on", "false")]).await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = app.call(&app.client(), "sign_up_open", &[]).await;
    assert_eq!(body, serde_json::Value::Bool(false));
    let (status, body) = app
        .call(
            &app.client(),
            "sign_up",
            &[
                ("email", "walk-in@example.org"),
                ("display_name", "Walk In"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(message(&body).contains("invitation only"), "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'walk-in@example.org'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'PLATFORM_SETTINGS_CHANGED'")
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

/// The header's "who am I" comes from the same statement as the sign-in lookup; it must still
/// list each role once, in the fixed order, and none held in a suspended organisation.
#[tokio::test]
async fn me_lists_each_role_once_in_order_and_none_from_a_suspended_organisation() {
    let (app, _) = TestApp::start("me-roles").await;
    let client = app.signed_in(CANDIDATE).await;
    let candidate_id: String = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(CANDIDATE)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    for (id, slug, suspended_at) in [("org-b", "second", None), ("org-c", "closed", Some(1_i64))] {
        sqlx::query(
            "INSERT INTO organizations (id, name, slug, created_at, suspended_at) VALUES ($1, $2, $2, 1, $3)",
        )
        .bind(id)
        .bind(slug)
        .bind(suspended_at)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    // A second CANDIDATE role (listed once), an author's role in an active organisation (listed
    // before CANDIDATE, as in `Role::ALL`) and a reviewer's in the suspended one (not listed).
    for (n, org, role) in [
        (1, "org-b", "CANDIDATE"),
        (2, "org-b", "EXAM_AUTHOR"),
        (3, "org-c", "PROCTOR_REVIEWER"),
    ] {
        sqlx::query(
            "INSERT INTO user_roles (id, user_id, org_id, role, created_at) VALUES ($1, $2, $3, $4, 1)",
        )
        .bind(format!("extra-role-{n}"))
        .bind(&candidate_id)
        .bind(org)
        .bind(role)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    let (status, me) = app.call(&client, "me", &[]).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["roles"], serde_json::json!(["EXAM_AUTHOR", "CANDIDATE"]));
}
