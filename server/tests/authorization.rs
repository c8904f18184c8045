//! The authorization matrix. `SERVER_FNS` names every server function with who may call it,
//! and `ROUTES` every HTTP route: a function or route added without a row fails
//! `every_server_function_and_route_has_a_row`. The rows whose check is "this role in the
//! organisation named by `org_id`", the platform's, and the signed-in-only ones are then
//! called here by every demo role and signed out, against the caller's own organisation and
//! another one, and each answer is held to the table: allowed callers are not refused (401,
//! 403), everyone else is (401 signed out, 403 signed in). Rows whose check goes through a
//! resource (an exam, a bank, a session) are exercised by the test of their area
//! (`tenancy.rs`, `review.rs`, `authoring.rs`, `exam_builder.rs`, `grading.rs`, …).

mod common;

use app::server::demo;
use common::TestApp;
use reqwest::Client;
use serde_json::{json, Value};
use shared::Role;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy)]
enum Who {
    /// Anyone, signed in or not (signing in, a link's token, one's own "who am I").
    Anyone,
    /// Any signed-in person, acting on their own account.
    SignedIn,
    /// A holder of one of these roles in the organisation named by the `org_id` argument.
    OrgRole(&'static [Role]),
    /// A platform operator (SUPER_ADMIN).
    Operator,
    /// Checked through the resource named: the role in the organisation that owns it, or the
    /// candidate who owns the session.
    Through(&'static str),
}

use Who::*;

const ADMIN: &[Role] = &[Role::OrgAdmin];

const SERVER_FNS: &[(&str, Who)] = &[
    // Signing in and out, links.
    ("me", Anyone),
    ("sign_in", Anyone),
    ("sign_out", Anyone),
    ("sign_up", Anyone),
    ("verify_second_factor", Anyone),
    ("sign_up_open", Anyone),
    ("confirm_email", Anyone),
    ("begin_passkey_sign_in", Anyone),
    ("passkey_sign_in", Anyone),
    ("request_password_reset", Anyone),
    ("reset_password", Anyone),
    ("invitation", Anyone),
    ("accept_invitation", Anyone),
    ("staff_invitation", Anyone),
    ("accept_staff_invitation", Anyone),
    // One's own account.
    ("my_sessions", SignedIn),
    ("end_my_session", SignedIn),
    ("set_display_name", SignedIn),
    ("change_password", SignedIn),
    ("my_deletion_request", SignedIn),
    ("request_account_deletion", SignedIn),
    ("second_factor_status", SignedIn),
    ("begin_second_factor", SignedIn),
    ("confirm_second_factor", SignedIn),
    ("disable_second_factor", SignedIn),
    ("my_passkeys", SignedIn),
    ("begin_passkey", SignedIn),
    ("add_passkey", SignedIn),
    ("remove_passkey", SignedIn),
    ("administered_orgs", SignedIn),
    ("my_exams", SignedIn),
    ("bank_orgs", SignedIn),
    ("builder_banks", SignedIn),
    ("built_exams", SignedIn),
    ("managed_exams", SignedIn),
    ("grading_queue", SignedIn),
    ("review_queue", SignedIn),
    ("report_exams", SignedIn),
    // Running an organisation.
    ("org_members", OrgRole(ADMIN)),
    ("set_member_roles", OrgRole(ADMIN)),
    ("remove_member", OrgRole(ADMIN)),
    ("set_member_department", OrgRole(ADMIN)),
    ("invite_staff", OrgRole(ADMIN)),
    ("pending_staff_invitations", OrgRole(ADMIN)),
    ("withdraw_staff_invitation", OrgRole(ADMIN)),
    ("departments", OrgRole(ADMIN)),
    ("create_department", OrgRole(ADMIN)),
    ("rename_department", OrgRole(ADMIN)),
    ("delete_department", OrgRole(ADMIN)),
    ("org_settings", OrgRole(ADMIN)),
    ("save_org_settings", OrgRole(ADMIN)),
    ("org_audit_log", OrgRole(ADMIN)),
    ("pending_deletions", OrgRole(ADMIN)),
    ("confirm_deletion", OrgRole(ADMIN)),
    ("banks", OrgRole(shared::authoring::BANK_READERS)),
    ("create_bank", OrgRole(shared::authoring::AUTHORS)),
    // The platform.
    ("platform_orgs", Operator),
    ("create_org", Operator),
    ("suspend_org", Operator),
    ("reactivate_org", Operator),
    ("platform_self_sign_up", Operator),
    ("set_self_sign_up", Operator),
    // Through a resource.
    ("bank", Through("bank: its organisation's bank readers")),
    ("update_bank", Through("bank: authors")),
    ("bank_action", Through("bank: authors submit, QA decides")),
    ("save_question", Through("bank: authors")),
    ("question_action", Through("question: authors submit, QA decides")),
    ("question_history", Through("question: bank readers")),
    ("commit_import", Through("bank: authors")),
    ("duplicate_question", Through("question: authors")),
    ("render_text", Through("bank: bank readers")),
    ("bulk_question_action", Through("bank: authors or QA")),
    ("move_questions", Through("bank: authors")),
    ("roster", Through("exam: enrollment managers")),
    ("invite", Through("exam: enrollment managers")),
    ("set_accommodation", Through("exam: enrollment managers")),
    ("set_rule_relaxations", Through("exam: enrollment managers")),
    ("set_enrollment_overrides", Through("exam: enrollment managers")),
    ("create_exam", Through("bank: coordinators")),
    ("exam_builder", Through("exam: coordinators")),
    ("save_exam_settings", Through("exam: coordinators")),
    ("exam_action", Through("exam: coordinators")),
    ("add_section", Through("exam: coordinators")),
    ("remove_section", Through("section: coordinators")),
    ("section_question", Through("section: coordinators")),
    ("exam", Through("exam: its enrolled candidates and readers")),
    ("start_exam", Through("exam: its enrolled candidates")),
    ("grading_sheet", Through("session: graders")),
    ("grade_essays", Through("session: graders")),
    ("exam_session", Through("session: its candidate")),
    ("save_answer", Through("session: its candidate")),
    ("mark_question", Through("session: its candidate")),
    ("submit_exam", Through("session: its candidate")),
    ("exam_result", Through("session: its candidate")),
    ("telemetry", Through("session: its candidate")),
    ("session_review", Through("session: reviewers")),
    ("session_events", Through("session: reviewers")),
    (
        "change_review",
        Through("session: reviewers (QA for second reviews)"),
    ),
    ("decide_flags", Through("session: reviewers")),
    ("add_review_flag", Through("session: reviewers")),
    ("set_withhold_results", Through("exam: coordinators")),
    ("exam_report", Through("exam: report readers (reports.rs)")),
    ("bank_usage", Through("bank: bank readers (reports.rs)")),
    ("report_attempts", Through("exam: report readers (reports.rs)")),
    (
        "answer_sheet",
        Through("session's exam: report readers (reports.rs)"),
    ),
];

const ROUTES: &[(&str, Who)] = &[
    ("/healthz", Anyone),
    // The public bundle: script, wasm and stylesheet (static_files.rs).
    ("/pkg/{version}/{file}", Anyone),
    (
        "/metrics",
        Through("the VIGIL_METRICS_TOKEN: a scraper presenting it as a bearer token (health.rs)"),
    ),
    ("/ws/telemetry/{session_id}", Through("session: its candidate")),
    (
        "/api/review/live",
        Through("the caller's organisations: reviewers"),
    ),
    (
        "/exports/exams/{exam_id}/sessions.csv",
        Through("exam: exporters"),
    ),
    ("/exports/exams/{exam_id}/flags.csv", Through("exam: exporters")),
    (
        "/exports/exams/{exam_id}/items.csv",
        Through("exam: report readers (reports.rs)"),
    ),
    ("/exports/my-data.json", SignedIn),
    (
        "/files/{file_id}",
        Through("file's bank: bank readers, or a candidate whose attempt shows it"),
    ),
    ("/exports/banks/{bank_id}/{file}", Through("bank: bank readers")),
    ("/api/banks/{bank_id}/import", Through("bank: authors")),
    ("/api/banks/{bank_id}/files", Through("bank: authors")),
];

fn source(rel: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `endpoint = "…"` of every server function in `app/src/api/`.
fn declared_server_fns() -> BTreeSet<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src/api");
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for part in text.split("endpoint = \"").skip(1) {
            names.insert(part.split('"').next().unwrap().to_string());
        }
    }
    names
}

/// Every `.route("…"` of the server's router.
fn declared_routes() -> BTreeSet<String> {
    let text = source("server/src/routes.rs");
    text.split(".route(")
        .skip(1)
        .filter_map(|part| {
            part.trim_start()
                .strip_prefix('"')
                .and_then(|p| p.split('"').next())
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn every_server_function_and_route_has_a_row() {
    let tabled: BTreeSet<String> = SERVER_FNS.iter().map(|(n, _)| n.to_string()).collect();
    let declared = declared_server_fns();
    let missing: Vec<_> = declared.difference(&tabled).collect();
    let stale: Vec<_> = tabled.difference(&declared).collect();
    assert!(
        missing.is_empty(),
        "server functions without a row in SERVER_FNS: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "rows for server functions that no longer exist: {stale:?}"
    );
    assert_eq!(SERVER_FNS.len(), tabled.len(), "one row per function");

    let tabled: BTreeSet<String> = ROUTES.iter().map(|(r, _)| r.to_string()).collect();
    let declared = declared_routes();
    let missing: Vec<_> = declared.difference(&tabled).collect();
    let stale: Vec<_> = tabled.difference(&declared).collect();
    assert!(missing.is_empty(), "routes without a row in ROUTES: {missing:?}");
    assert!(
        stale.is_empty(),
        "rows for routes that no longer exist: {stale:?}"
    );

    for (name, who) in SERVER_FNS.iter().chain(ROUTES) {
        if let Through(how) = who {
            assert!(
                how.contains(": "),
                "{name}: say which resource decides, and who may (\"exam: coordinators\")"
            );
        }
    }
}

/// The demo people, by the role each holds in the demo organisation.
const PEOPLE: &[(&str, Role)] = &[
    ("superadmin@demo.vigil.test", Role::SuperAdmin),
    ("admin@demo.vigil.test", Role::OrgAdmin),
    ("author@demo.vigil.test", Role::ExamAuthor),
    ("coordinator@demo.vigil.test", Role::ExamCoordinator),
    ("enrollment@demo.vigil.test", Role::EnrollmentManager),
    ("reviewer@demo.vigil.test", Role::ProctorReviewer),
    ("qa@demo.vigil.test", Role::QualityAssurance),
    ("reports@demo.vigil.test", Role::ReportViewer),
    ("candidate@demo.vigil.test", Role::Candidate),
];

/// Arguments that pass every check but the caller's (a member or department that does not
/// exist, a name left empty), so an allowed call changes nothing.
fn harmless_args(name: &str, org: &str) -> Option<Value> {
    let none = "00000000-0000-0000-0000-000000000000";
    Some(match name {
        "org_members" => json!({"org_id": org, "search": "", "role": null}),
        "set_member_roles" => json!({"org_id": org, "user_id": none, "roles": ["CANDIDATE"]}),
        "remove_member" | "confirm_deletion" => json!({"org_id": org, "user_id": none}),
        "set_member_department" => json!({"org_id": org, "user_id": none, "department_id": ""}),
        "invite_staff" => {
            json!({"org_id": org, "emails": "not an address", "roles": ["EXAM_AUTHOR"], "department_id": ""})
        }
        "withdraw_staff_invitation" => json!({"org_id": org, "invitation_id": none}),
        "create_department" => json!({"org_id": org, "name": ""}),
        "rename_department" => json!({"org_id": org, "department_id": none, "name": ""}),
        "delete_department" => json!({"org_id": org, "department_id": none}),
        "save_org_settings" => json!({"org_id": org, "settings": {"name": "", "time_zone": "Nowhere/Land",
            "default_sensitivity": "MEDIUM", "telemetry_retention_days": 0, "staff_second_factor": false}}),
        "org_audit_log" => {
            json!({"org_id": org, "query": {"action": "", "actor": "", "from_day": "", "to_day": "", "before": null}})
        }
        "pending_staff_invitations" | "departments" | "org_settings" | "pending_deletions" => {
            json!({"org_id": org})
        }
        "banks" => json!({"org_id": org, "search": null}),
        "create_bank" => json!({"org_id": org, "name": "", "description": "", "tags": ""}),
        "platform_orgs" | "platform_self_sign_up" => json!({}),
        // Left as it is: sign-up stays open whoever calls.
        "set_self_sign_up" => json!({"on": "true"}),
        "remove_passkey" => json!({"passkey_id": none}),
        "begin_passkey" => json!({"name": ""}),
        "create_org" => json!({"name": "", "time_zone": "UTC", "admin_email": "x@y.test"}),
        "suspend_org" | "reactivate_org" => json!({"org_id": none}),
        "my_sessions"
        | "my_deletion_request"
        | "second_factor_status"
        | "my_passkeys"
        | "report_exams"
        | "administered_orgs"
        | "my_exams"
        | "bank_orgs"
        | "builder_banks"
        | "built_exams"
        | "managed_exams"
        | "grading_queue" => json!({}),
        _ => return None,
    })
}

/// Functions whose arguments are sent as JSON (the rest as a form).
const JSON_INPUT: &[&str] = &[
    "org_members",
    "set_member_roles",
    "invite_staff",
    "save_org_settings",
    "org_audit_log",
];

async fn call(app: &TestApp, client: &Client, name: &str, args: &Value) -> u16 {
    let req = client.post(format!("{}/api/{name}", app.base));
    let req = if JSON_INPUT.contains(&name) {
        req.json(args)
    } else {
        let form: Vec<(String, String)> = args
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()),
                )
            })
            .collect();
        req.form(&form)
    };
    req.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn every_role_signed_out_and_across_organisations_gets_what_the_table_says() {
    let (app, seeded) = TestApp::start("authorization").await;
    let other = demo::seed_org(
        &app.pool,
        "Other College",
        "other-college",
        &[("admin@other.test", "Other Admin", &[Role::OrgAdmin])],
        "Other exam",
    )
    .await
    .unwrap();
    let mut callers: Vec<(Option<Role>, Client)> = vec![(None, app.client())];
    for (email, role) in PEOPLE {
        callers.push((Some(*role), app.signed_in(email).await));
    }
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (name, who) in SERVER_FNS {
        for (target, own) in [(seeded.org_id.as_str(), true), (other.org_id.as_str(), false)] {
            let Some(args) = harmless_args(name, target) else {
                continue;
            };
            for (role, client) in &callers {
                let allowed = match (who, role) {
                    (_, None) => matches!(who, Anyone),
                    (Anyone | SignedIn, Some(_)) => true,
                    (Operator, Some(r)) => *r == Role::SuperAdmin,
                    (OrgRole(roles), Some(r)) => own && shared::roles::permits(&[*r], roles),
                    (Through(_), _) => continue,
                };
                let status = call(&app, client, name, &args).await;
                let refused = matches!(status, 401 | 403);
                let expected_refusal = if role.is_none() { 401 } else { 403 };
                if allowed == refused || (!allowed && status != expected_refusal) {
                    wrong.push(format!(
                        "{name} by {role:?} in {} org: {status}, expected {}",
                        if own { "its own" } else { "another" },
                        if allowed {
                            "not refused".to_string()
                        } else {
                            expected_refusal.to_string()
                        }
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked} calls disagree with the table:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(checked > 400, "{checked}");
}
