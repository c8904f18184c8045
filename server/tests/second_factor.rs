//! Two-step sign-in: set up with a first code, then a password alone opens no session; a code
//! works once; recovery codes work once each; a challenge allows five tries; an organisation
//! that requires it keeps staff without one out of staff pages, but not candidates.

mod common;

use common::{message, TestApp, PASSWORD};
use serde_json::{json, Value};
use totp_rs::{Builder, Secret};

const AUTHOR: &str = "author@demo.vigil.test";
const ADMIN: &str = "admin@demo.vigil.test";

/// The code an authenticator app holding `key` shows `offset_steps` steps from now.
fn code(key: &str, offset_steps: i64) -> String {
    let totp = Builder::new()
        .with_secret(Secret::try_from_base32(key).unwrap())
        .build()
        .unwrap();
    let now = common::now_ms() / 1000 + offset_steps * 30;
    totp.generate(now as u64).to_string()
}

/// Turns two-step sign-in on for the signed-in `client`; returns the key and recovery codes.
async fn turn_on(app: &TestApp, client: &reqwest::Client) -> (String, Vec<String>) {
    let (status, setup) = app.call(client, "begin_second_factor", &[]).await;
    assert_eq!(status, 200, "{setup}");
    assert!(setup["qr_svg"].as_str().unwrap().contains("<svg"));
    let key = setup["secret"].as_str().unwrap().to_string();
    let (status, body) = app
        .call(client, "confirm_second_factor", &[("code", "000000")])
        .await;
    assert_eq!(status, 400, "a wrong first code turns nothing on: {body}");
    // The step before now: sign-in tests below then use the current step, unused.
    let (status, codes) = app
        .call(client, "confirm_second_factor", &[("code", &code(&key, -1))])
        .await;
    assert_eq!(status, 200, "{codes}");
    let codes: Vec<String> = serde_json::from_value(codes).unwrap();
    assert_eq!(codes.len(), 10);
    (key, codes)
}

async fn password_step(app: &TestApp, email: &str) -> (reqwest::Client, Value) {
    let client = app.client();
    let (status, body) = app
        .call(&client, "sign_in", &[("email", email), ("password", PASSWORD)])
        .await;
    assert_eq!(status, 200, "{body}");
    (client, body)
}

#[tokio::test]
async fn a_second_factor_is_asked_after_the_password_and_each_code_works_once() {
    let (app, _) = TestApp::start("second_factor").await;
    let author = app.signed_in(AUTHOR).await;
    let laptop = app.signed_in(AUTHOR).await;
    let (key, recovery) = turn_on(&app, &author).await;
    let (_, me) = app.call(&laptop, "me", &[]).await;
    assert_eq!(me, Value::Null, "sessions opened without it ended");
    let (_, me) = app.call(&author, "me", &[]).await;
    assert_eq!(me["email"], AUTHOR, "the session that turned it on goes on");

    // The password alone: no session.
    let (browser, outcome) = password_step(&app, AUTHOR).await;
    assert_eq!(outcome, json!({"SecondFactor": {"code": true, "passkey": false}}));
    let (_, me) = app.call(&browser, "me", &[]).await;
    assert_eq!(me, Value::Null);
    let (status, _) = app
        .call(&browser, "verify_second_factor", &[("code", "123456")])
        .await;
    assert_eq!(status, 400);
    let now_code = code(&key, 0);
    let (status, body) = app
        .call(&browser, "verify_second_factor", &[("code", &now_code)])
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, me) = app.call(&browser, "me", &[]).await;
    assert_eq!(me["email"], AUTHOR);

    // The same code again, in a new sign-in: refused (it was used), as is the first code.
    let (again, _) = password_step(&app, AUTHOR).await;
    let (status, _) = app
        .call(&again, "verify_second_factor", &[("code", &now_code)])
        .await;
    assert_eq!(status, 400, "a code works once");
    let (status, _) = app
        .call(&again, "verify_second_factor", &[("code", &code(&key, -1))])
        .await;
    assert_eq!(status, 400, "an older step never comes back");
    // A recovery code, typed loosely, works once.
    let loose = recovery[0].to_uppercase().replace('-', " ");
    let (status, body) = app
        .call(&again, "verify_second_factor", &[("code", &loose)])
        .await;
    assert_eq!(status, 200, "{body}");
    let (third, _) = password_step(&app, AUTHOR).await;
    let (status, _) = app
        .call(&third, "verify_second_factor", &[("code", &recovery[0])])
        .await;
    assert_eq!(status, 400, "a recovery code works once");
    // Five tries per challenge, then even a right code is refused.
    for _ in 0..4 {
        let (status, _) = app
            .call(&third, "verify_second_factor", &[("code", "999999")])
            .await;
        assert_eq!(status, 400);
    }
    let (status, body) = app
        .call(&third, "verify_second_factor", &[("code", &recovery[1])])
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(message(&body).contains("Sign in again"), "{body}");
    // Without the password step there is nothing to answer.
    let (status, _) = app
        .call(&app.client(), "verify_second_factor", &[("code", &recovery[1])])
        .await;
    assert_eq!(status, 409);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM recovery_codes WHERE used_at IS NULL")
            .await,
        9,
        "the refused tries used nothing"
    );
}

#[tokio::test]
async fn an_organisation_that_requires_it_keeps_staff_without_it_out() {
    let (app, seeded) = TestApp::start("second_factor_required").await;
    let org = seeded.org_id.as_str();
    let admin = app.signed_in(ADMIN).await;
    turn_on(&app, &admin).await;
    let (_, mut settings) = app.call(&admin, "org_settings", &[("org_id", org)]).await;
    settings["staff_second_factor"] = json!(true);
    let (status, body) = app
        .call_json(
            &admin,
            "save_org_settings",
            &json!({"org_id": org, "settings": settings}),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let author = app.signed_in(AUTHOR).await;
    let (status, body) = app.call(&author, "bank_orgs", &[]).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app.call(&author, "banks", &[("org_id", org)]).await;
    assert_eq!(status, 403, "{body}");
    assert!(message(&body).contains("two-step sign-in"), "{body}");
    let (_, state) = app.call(&author, "second_factor_status", &[]).await;
    assert_eq!(state["required"], true);
    let (status, _) = app
        .call(&author, "disable_second_factor", &[("password", PASSWORD)])
        .await;
    assert_eq!(status, 403, "nothing to turn off, and not allowed where required");

    turn_on(&app, &author).await;
    let (status, body) = app.call(&author, "banks", &[("org_id", org)]).await;
    assert_eq!(status, 200, "{body}");

    // Candidates are not staff: they take their exams as before.
    let candidate = app.signed_in("candidate@demo.vigil.test").await;
    let exam = app.practice_exam_id().await;
    app.start_unproctored(&candidate, &exam).await;
}
