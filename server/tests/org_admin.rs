//! An organisation run by its admin: staff invited by email join with the roles given, the last
//! admin always remains, departments are deleted only when empty, settings are checked and
//! used, the audit log is filtered and paged; the platform's super admin creates and suspends
//! organisations, and a suspended organisation's people cannot sign in.

mod common;

use common::{builder, link_in_outbox, message, TestApp, PASSWORD};
use serde_json::{json, Value};

const ADMIN: &str = "admin@demo.vigil.test";
const AUTHOR: &str = "author@demo.vigil.test";
const CANDIDATE: &str = "candidate@demo.vigil.test";
const SUPER: &str = "superadmin@demo.vigil.test";

async fn members(app: &TestApp, client: &reqwest::Client, org: &str, search: &str) -> (u16, Value) {
    app.call_json(
        client,
        "org_members",
        &json!({"org_id": org, "search": search, "role": null}),
    )
    .await
}

async fn user_id(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn set_roles(
    app: &TestApp,
    client: &reqwest::Client,
    org: &str,
    user: &str,
    roles: &[&str],
) -> (u16, Value) {
    app.call_json(
        client,
        "set_member_roles",
        &json!({"org_id": org, "user_id": user, "roles": roles}),
    )
    .await
}

/// Accepts the newest staff invitation to `email` as a new account; returns that browser.
async fn join_as_new(app: &TestApp, email: &str) -> reqwest::Client {
    let (_, token) = link_in_outbox(&app.pool, email, "/join/").await;
    let browser = app.client();
    let (status, view) = app.call(&browser, "staff_invitation", &[("token", &token)]).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["account_exists"], false);
    let (status, body) = app
        .call(
            &browser,
            "accept_staff_invitation",
            &[
                ("token", &token),
                ("display_name", "New Person"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    browser
}

#[tokio::test]
async fn staff_invited_by_email_join_with_the_roles_given() {
    let (app, seeded) = TestApp::start("staff_invite").await;
    let org = seeded.org_id.as_str();
    let admin = app.signed_in(ADMIN).await;

    let (status, list) = members(&app, &admin, org, "CANDID").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        list["members"][0]["email"], CANDIDATE,
        "search ignores case: {list}"
    );
    let (_, everyone) = members(&app, &admin, org, "").await;
    assert!(everyone["total"].as_i64().unwrap() >= 9, "{everyone}");
    let (_, none) = members(&app, &admin, org, "%").await;
    assert_eq!(none["total"], 0, "a % is looked for literally: {none}");

    // Who may not invite, and what may not be granted: each refused, nothing queued.
    let candidate = app.signed_in(CANDIDATE).await;
    let invite = |roles: Value| json!({"org_id": org, "emails": "lecturer@uni.test", "roles": roles, "department_id": ""});
    let (status, _) = app
        .call_json(&candidate, "invite_staff", &invite(json!(["EXAM_AUTHOR"])))
        .await;
    assert_eq!(status, 403);
    let (status, body) = app
        .call_json(&admin, "invite_staff", &invite(json!(["SUPER_ADMIN"])))
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = app.call_json(&admin, "invite_staff", &invite(json!([]))).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE to_email = 'lecturer@uni.test'")
            .await,
        0
    );

    let (status, report) = app
        .call_json(
            &admin,
            "invite_staff",
            &invite(json!(["EXAM_AUTHOR", "PROCTOR_REVIEWER"])),
        )
        .await;
    assert_eq!(status, 200, "{report}");
    let (_, pending) = app
        .call(&admin, "pending_staff_invitations", &[("org_id", org)])
        .await;
    assert_eq!(pending[0]["email"], "lecturer@uni.test");

    let lecturer = join_as_new(&app, "lecturer@uni.test").await;
    let (_, me) = app.call(&lecturer, "me", &[]).await;
    assert_eq!(me["email"], "lecturer@uni.test", "the new account is signed in");
    assert_eq!(me["roles"], json!(["EXAM_AUTHOR", "PROCTOR_REVIEWER"]));
    let (_, token) = link_in_outbox(&app.pool, "lecturer@uni.test", "/join/").await;
    let (status, body) = app
        .call(&app.client(), "staff_invitation", &[("token", &token)])
        .await;
    assert_eq!(status, 409, "a link works once: {body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'STAFF_INVITATION_ACCEPTED'")
            .await,
        1
    );
}

#[tokio::test]
async fn the_last_admin_can_be_neither_demoted_nor_removed() {
    let (app, seeded) = TestApp::start("last_admin").await;
    let org = seeded.org_id.as_str();
    let admin = app.signed_in(ADMIN).await;
    let admin_id = user_id(&app, ADMIN).await;
    let author_id = user_id(&app, AUTHOR).await;

    let (status, body) = set_roles(&app, &admin, org, &admin_id, &["CANDIDATE"]).await;
    assert_eq!(status, 409, "{body}");
    assert!(message(&body).contains("last admin"), "{body}");
    let (status, _) = app
        .call(
            &admin,
            "remove_member",
            &[("org_id", org), ("user_id", &admin_id)],
        )
        .await;
    assert_eq!(status, 409);
    let admins = "SELECT COUNT(*) FROM user_roles WHERE role = 'ORG_ADMIN'";
    assert_eq!(app.count(admins).await, 1, "refusals change nothing");

    // Two admins demoting each other at the same moment: one wins, one admin remains.
    let (status, body) = set_roles(&app, &admin, org, &author_id, &["ORG_ADMIN", "EXAM_AUTHOR"]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!(["ORG_ADMIN", "EXAM_AUTHOR"]));
    let author = app.signed_in(AUTHOR).await;
    let (a, b) = tokio::join!(
        set_roles(&app, &admin, org, &author_id, &["EXAM_AUTHOR"]),
        set_roles(&app, &author, org, &admin_id, &["CANDIDATE"]),
    );
    // The loser is refused either by the last-admin rule (409: both were still
    // admins when they asked) or, when the winner's change was committed before
    // the loser's request was authorised, because it is no longer an admin (403).
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert!(
        statuses == [200, 409] || statuses == [200, 403],
        "exactly one demotion wins: {a:?} {b:?}"
    );
    assert_eq!(app.count(admins).await, 1);

    // A member removed loses their roles there at once; their account stays.
    let admin_now = if a.0 == 200 { &admin } else { &author };
    let candidate_id = user_id(&app, CANDIDATE).await;
    let (status, _) = app
        .call(
            admin_now,
            "remove_member",
            &[("org_id", org), ("user_id", &candidate_id)],
        )
        .await;
    assert_eq!(status, 200);
    let (_, found) = members(&app, admin_now, org, CANDIDATE).await;
    assert_eq!(found["total"], 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'candidate@demo.vigil.test'")
            .await,
        1
    );
    let (status, _) = app
        .call(
            admin_now,
            "remove_member",
            &[("org_id", org), ("user_id", &candidate_id)],
        )
        .await;
    assert_eq!(status, 404, "removing twice says so");
}

#[tokio::test]
async fn departments_are_deleted_only_when_empty() {
    let (app, seeded) = TestApp::start("departments").await;
    let org = seeded.org_id.as_str();
    let admin = app.signed_in(ADMIN).await;
    let (status, physics) = app
        .call(
            &admin,
            "create_department",
            &[("org_id", org), ("name", "  Physics ")],
        )
        .await;
    assert_eq!(status, 200, "{physics}");
    assert_eq!(physics["name"], "Physics");
    let (status, body) = app
        .call(
            &admin,
            "create_department",
            &[("org_id", org), ("name", "physics")],
        )
        .await;
    assert_eq!(status, 409, "names are unique whatever their case: {body}");
    let (status, _) = app
        .call(&admin, "create_department", &[("org_id", org), ("name", "   ")])
        .await;
    assert_eq!(status, 400);
    let dept = physics["id"].as_str().unwrap();

    let candidate_id = user_id(&app, CANDIDATE).await;
    let who = candidate_id;
    let (status, _) = app
        .call(
            &admin,
            "set_member_department",
            &[("org_id", org), ("user_id", &who), ("department_id", dept)],
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = app
        .call(
            &admin,
            "delete_department",
            &[("org_id", org), ("department_id", dept)],
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(message(&body).contains("1 member"), "{body}");
    let (status, _) = app
        .call(
            &admin,
            "set_member_department",
            &[("org_id", org), ("user_id", &who), ("department_id", "")],
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = app
        .call(
            &admin,
            "rename_department",
            &[
                ("org_id", org),
                ("department_id", dept),
                ("name", "Applied Physics"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = app
        .call(
            &admin,
            "delete_department",
            &[("org_id", org), ("department_id", dept)],
        )
        .await;
    assert_eq!(status, 200);
    let (_, list) = app.call(&admin, "departments", &[("org_id", org)]).await;
    assert!(!list.to_string().contains("Physics"), "{list}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('DEPARTMENT_CREATED', 'DEPARTMENT_RENAMED', 'DEPARTMENT_DELETED')").await,
        3
    );
}

#[tokio::test]
async fn settings_are_checked_field_by_field_and_used_by_new_exams() {
    let (app, seeded) = TestApp::start("org_settings").await;
    let org = seeded.org_id.as_str();
    let admin = app.signed_in(ADMIN).await;
    let (status, current) = app.call(&admin, "org_settings", &[("org_id", org)]).await;
    assert_eq!(status, 200, "{current}");

    let mut bad = current.clone();
    bad["time_zone"] = json!("Mars/Olympus");
    bad["telemetry_retention_days"] = json!(1);
    let (status, body) = app
        .call_json(
            &admin,
            "save_org_settings",
            &json!({"org_id": org, "settings": bad}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        message(&body).contains("Mars/Olympus") && message(&body).contains("between 7 and 3650"),
        "{body}"
    );
    let (_, unchanged) = app.call(&admin, "org_settings", &[("org_id", org)]).await;
    assert_eq!(unchanged, current, "a refusal saves nothing");

    let mut good = current.clone();
    good["time_zone"] = json!("America/New_York");
    good["default_sensitivity"] = json!("HIGH");
    good["telemetry_retention_days"] = json!(30);
    good["staff_second_factor"] = json!(true);
    let (status, body) = app
        .call_json(
            &admin,
            "save_org_settings",
            &json!({"org_id": org, "settings": good}),
        )
        .await;
    assert_eq!(
        status, 400,
        "an admin without a second factor cannot require one: {body}"
    );
    assert!(message(&body).contains("your own account first"), "{body}");
    good["staff_second_factor"] = json!(false);
    let (status, body) = app
        .call_json(
            &admin,
            "save_org_settings",
            &json!({"org_id": org, "settings": good}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let detail: String =
        sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'ORG_SETTINGS_CHANGED'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(
        detail.contains("→ America/New_York") && detail.contains("retention 90 → 30"),
        "{detail}"
    );

    let coordinator = app.signed_in(builder::COORDINATOR).await;
    let bank = builder::approved_banks(&app, org).await.remove(0);
    let (status, exam) = app
        .call(
            &coordinator,
            "create_exam",
            &[("bank_id", &bank), ("title", "Uses the defaults")],
        )
        .await;
    assert_eq!(status, 200, "{exam}");
    let view = builder::view(&app, &coordinator, exam.as_str().unwrap()).await;
    assert_eq!(view["settings"]["sensitivity"], "HIGH", "{view}");
    let (status, _) = app.call(&coordinator, "org_settings", &[("org_id", org)]).await;
    assert_eq!(status, 403, "only admins read the settings");
}

#[tokio::test]
async fn the_audit_log_is_filtered_and_paged_without_gaps() {
    let (app, seeded) = TestApp::start("audit_view").await;
    let org = seeded.org_id.as_str();
    let admin = app.signed_in(ADMIN).await;
    for i in 0..55 {
        let (status, _) = app
            .call(
                &admin,
                "create_department",
                &[("org_id", org), ("name", &format!("Department {i:02}"))],
            )
            .await;
        assert_eq!(status, 200);
    }
    let page = |before: Value| json!({"org_id": org, "query": {"action": "DEPARTMENT_CREATED", "actor": "ADMIN@", "from_day": "", "to_day": "", "before": before}});
    let (status, first) = app.call_json(&admin, "org_audit_log", &page(Value::Null)).await;
    assert_eq!(status, 200, "{first}");
    let entries = first["entries"].as_array().unwrap();
    assert_eq!((entries.len(), first["more"].clone()), (50, json!(true)));
    let last = &entries[49];
    let (_, second) = app
        .call_json(&admin, "org_audit_log", &page(json!([last["at"], last["id"]])))
        .await;
    let rest = second["entries"].as_array().unwrap();
    assert_eq!(
        (rest.len(), second["more"].clone()),
        (5, json!(false)),
        "{second}"
    );
    let mut subjects: Vec<&str> = entries
        .iter()
        .chain(rest)
        .map(|e| e["subject"].as_str().unwrap())
        .collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), 55, "every entry once");

    let (_, by_other) = app
        .call_json(
            &admin,
            "org_audit_log",
            &json!({"org_id": org, "query": {"action": "", "actor": "author@", "from_day": "", "to_day": "", "before": null}}),
        )
        .await;
    assert!(
        by_other["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor"] != ADMIN),
        "{by_other}"
    );
    let (status, _) = app
        .call_json(
            &admin,
            "org_audit_log",
            &json!({"org_id": org, "query": {"action": "DROP TABLE", "actor": "", "from_day": "", "to_day": "", "before": null}}),
        )
        .await;
    assert_eq!(status, 400);
    let (status, body) = app
        .call_json(
            &admin,
            "org_audit_log",
            &json!({"org_id": org, "query": {"action": "", "actor": "", "from_day": "2026-02-31", "to_day": "", "before": null}}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let reviewer = app.signed_in("reviewer@demo.vigil.test").await;
    let (status, _) = app
        .call_json(&reviewer, "org_audit_log", &page(Value::Null))
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_super_admin_creates_and_suspends_organisations_whose_people_then_cannot_sign_in() {
    let (app, seeded) = TestApp::start("platform").await;
    let operator = app.signed_in(SUPER).await;
    let admin = app.signed_in(ADMIN).await;
    let (status, _) = app.call(&admin, "platform_orgs", &[]).await;
    assert_eq!(status, 403, "an organisation's admin is not the platform's");
    let (status, _) = app
        .call(
            &admin,
            "create_org",
            &[
                ("name", "Rogue"),
                ("time_zone", "UTC"),
                ("admin_email", "x@y.test"),
            ],
        )
        .await;
    assert_eq!(status, 403);

    let (status, body) = app
        .call(
            &operator,
            "create_org",
            &[
                ("name", "Second College"),
                ("time_zone", "Europe/Madrid"),
                ("admin_email", "Dean@Second.test"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, orgs) = app.call(&operator, "platform_orgs", &[]).await;
    let second = orgs
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "Second College")
        .cloned()
        .unwrap();
    assert_eq!(second["slug"], "second-college");
    let second_id = second["id"].as_str().unwrap().to_string();

    let dean = join_as_new(&app, "dean@second.test").await;
    let (status, _) = members(&app, &dean, &second_id, "").await;
    assert_eq!(status, 200, "the first admin runs the new organisation");
    // ... and only it.
    let (status, _) = members(&app, &dean, &seeded.org_id, "").await;
    assert_eq!(status, 403);
    let (status, _) = members(&app, &admin, &second_id, "").await;
    assert_eq!(status, 403);
    let candidate_id = user_id(&app, CANDIDATE).await;
    let (status, _) = set_roles(&app, &dean, &second_id, &candidate_id, &["ORG_ADMIN"]).await;
    assert_eq!(status, 404, "another organisation's member is not found here");

    let (status, body) = app
        .call(&operator, "suspend_org", &[("org_id", &seeded.org_id)])
        .await;
    assert_eq!(status, 403, "the operators' own organisation stays: {body}");
    let (status, _) = app
        .call(&operator, "suspend_org", &[("org_id", &second_id)])
        .await;
    assert_eq!(status, 200);
    let (_, me) = app.call(&dean, "me", &[]).await;
    assert_eq!(me, Value::Null, "the dean's session ended");
    let (status, body) = app
        .call(
            &app.client(),
            "sign_in",
            &[("email", "dean@second.test"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(message(&body).contains("suspended"), "{body}");
    let (status, body) = app
        .call(
            &app.client(),
            "sign_in",
            &[("email", "dean@second.test"), ("password", "wrong password")],
        )
        .await;
    assert_eq!(
        status, 400,
        "a wrong password learns nothing about suspension: {body}"
    );

    let (status, _) = app
        .call(&operator, "reactivate_org", &[("org_id", &second_id)])
        .await;
    assert_eq!(status, 200);
    let dean = app.signed_in("dean@second.test").await;
    let (status, _) = members(&app, &dean, &second_id, "").await;
    assert_eq!(status, 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('ORG_CREATED', 'ORG_SUSPENDED', 'ORG_REACTIVATED')").await,
        3
    );
}
