//! Invitations: a single-use, expiring link that enrolls a candidate, creating the account when
//! needed; statuses INVITED → ACCEPTED → IN_PROGRESS; accommodations; mail over real SMTP.

mod common;

use common::{invitation_link, message, TestApp};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const MANAGER: &str = "enrollment@demo.vigil.test";
const CANDIDATE: &str = "candidate@demo.vigil.test";
const PASSWORD: &str = "a long enough password";

async fn enrollment_status(app: &TestApp, exam_id: &str, email: &str) -> Option<String> {
    sqlx::query_scalar(
        "SELECT n.status FROM enrollments n JOIN users u ON u.id = n.user_id WHERE n.exam_id = $1 AND u.email = $2",
    )
    .bind(exam_id)
    .bind(email)
    .fetch_optional(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_new_person_accepts_once_and_gets_the_extra_time() {
    let (app, org) = TestApp::start("invite-new").await;
    let manager = app.signed_in(MANAGER).await;
    let email = "new.person@example.org";
    let (status, reports) = app
        .call(
            &manager,
            "invite",
            &[
                ("exam_id", &org.exam_id),
                ("emails", " New.Person@Example.org "),
                ("extra_percent", "50"),
                ("extra_minutes", ""),
            ],
        )
        .await;
    assert_eq!(status, 200, "{reports}");
    assert_eq!(reports[0]["email"], email);
    assert_eq!(reports[0]["invited"], true);
    let (link, token) = invitation_link(&app.pool, email).await;
    assert!(link.starts_with(&app.base), "{link} points at this server");
    assert_eq!(token.len(), 64);
    // Only the SHA-256 of the token that was sent is stored, never the token: computed here
    // independently of the server's code.
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM invitations")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    let expected = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(token.as_bytes()));
    assert_eq!(stored, vec![expected], "only a hash of the token is stored");
    assert_ne!(stored[0], token);

    // The roster shows the invitation before anyone accepts it.
    let (_, roster) = app.call(&manager, "roster", &[("exam_id", &org.exam_id)]).await;
    let line = roster["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["email"] == email)
        .cloned()
        .unwrap();
    assert_eq!(line["status"], "Invited");
    assert_eq!(line["enrollment_id"], Value::Null);

    let visitor = app.client();
    let (status, view) = app.call(&visitor, "invitation", &[("token", &token)]).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["account_exists"], false);
    assert_eq!(view["accommodation"], "+50% time");

    // A weak password is refused and creates nothing.
    let (status, body) = app
        .call(
            &visitor,
            "accept_invitation",
            &[
                ("token", &token),
                ("display_name", "New Person"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("characters"), "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'new.person@example.org'")
            .await,
        0
    );

    let (status, exam) = app
        .call(
            &visitor,
            "accept_invitation",
            &[
                ("token", &token),
                ("display_name", "New Person"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 200, "{exam}");
    assert_eq!(exam, Value::String(org.exam_id.clone()));
    assert_eq!(
        enrollment_status(&app, &org.exam_id, email).await.as_deref(),
        Some("ACCEPTED")
    );

    // The link works once.
    let (status, body) = app
        .call(
            &app.client(),
            "accept_invitation",
            &[
                ("token", &token),
                ("display_name", "Mallory"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 409);
    assert!(message(&body).contains("already been used"), "{body}");

    // Accepting signed the new candidate in; their dashboard has the exam, open.
    let (_, exams) = app.call(&visitor, "my_exams", &[]).await;
    assert_eq!(exams[0]["exam_id"], org.exam_id.as_str());
    assert_eq!(exams[0]["availability"], "Open");

    let sid = app.start_attempt(&visitor, &org.exam_id).await;
    assert_eq!(
        enrollment_status(&app, &org.exam_id, email).await.as_deref(),
        Some("IN_PROGRESS")
    );
    let (started, deadline, duration): (i64, i64, i64) = sqlx::query_as(
        "SELECT s.started_at, s.deadline_at, e.duration_minutes FROM exam_sessions s JOIN exams e ON e.id = s.exam_id WHERE s.id = $1",
    )
    .bind(&sid)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(deadline - started, duration * 60_000 * 3 / 2, "50% extra time");

    assert_eq!(
        app.call(&visitor, "submit_exam", &[("session_id", &sid)]).await.0,
        200
    );
    assert_eq!(
        enrollment_status(&app, &org.exam_id, email).await.as_deref(),
        Some("COMPLETED")
    );
}

#[tokio::test]
async fn an_existing_account_signs_in_to_accept_and_cannot_start_before() {
    let (app, org) = TestApp::start("invite-existing").await;
    let manager = app.signed_in(MANAGER).await;
    let invitee = "qa@demo.vigil.test";
    let (status, reports) = app
        .call(
            &manager,
            "invite",
            &[
                ("exam_id", &org.exam_id),
                ("emails", &format!("{invitee}\n{CANDIDATE}")),
            ],
        )
        .await;
    assert_eq!(status, 200, "{reports}");
    assert_eq!(reports[0]["outcome"], "Invited (has an account).");
    assert_eq!(
        reports[1]["invited"], false,
        "the demo candidate is enrolled already: {reports}"
    );
    assert_eq!(
        enrollment_status(&app, &org.exam_id, invitee).await.as_deref(),
        Some("INVITED")
    );
    let (_, token) = invitation_link(&app.pool, invitee).await;

    // Not signed in, or signed in as someone else: refused, nothing changes.
    let (status, _) = app
        .call(&app.client(), "accept_invitation", &[("token", &token)])
        .await;
    assert_eq!(status, 401);
    let other = app.signed_in(CANDIDATE).await;
    let (status, body) = app.call(&other, "accept_invitation", &[("token", &token)]).await;
    assert_eq!(status, 409);
    assert!(message(&body).contains(invitee), "{body}");
    assert_eq!(
        enrollment_status(&app, &org.exam_id, invitee).await.as_deref(),
        Some("INVITED")
    );

    let qa = app.signed_in(invitee).await;
    let (status, body) = app
        .call(
            &qa,
            "start_exam",
            &[("exam_id", &org.exam_id), ("consent", "true")],
        )
        .await;
    assert_eq!(
        status, 403,
        "not a candidate of the organisation until accepted: {body}"
    );
    let (status, body) = app.call(&qa, "accept_invitation", &[("token", &token)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        enrollment_status(&app, &org.exam_id, invitee).await.as_deref(),
        Some("ACCEPTED")
    );
    app.start_attempt(&qa, &org.exam_id).await;
}

#[tokio::test]
async fn a_candidate_still_invited_is_told_to_accept_first() {
    let (app, org) = TestApp::start("invite-pending").await;
    let manager = app.signed_in(MANAGER).await;
    // The demo candidate is enrolled in both demo exams: withdraw them from the practice
    // exam, then invite them to it.
    let third: String = sqlx::query_scalar("SELECT id FROM exams WHERE id <> $1 ORDER BY created_at LIMIT 1")
        .bind(&org.exam_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM enrollments WHERE exam_id = $1")
        .bind(&third)
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, _) = app
        .call(&manager, "invite", &[("exam_id", &third), ("emails", CANDIDATE)])
        .await;
    assert_eq!(status, 200);
    let cand = app.signed_in(CANDIDATE).await;
    let (_, exams) = app.call(&cand, "my_exams", &[]).await;
    let listed = exams
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["exam_id"] == third.as_str())
        .cloned()
        .unwrap();
    assert_eq!(listed["availability"], "NotAccepted");
    let (status, body) = app
        .call(&cand, "start_exam", &[("exam_id", &third), ("consent", "true")])
        .await;
    assert_eq!(status, 409);
    assert!(message(&body).contains("Accept your invitation"), "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM exam_sessions").await, 0);
}

#[tokio::test]
async fn bad_invitations_are_refused_and_change_nothing() {
    let (app, org) = TestApp::start("invite-bad").await;
    let manager = app.signed_in(MANAGER).await;
    let exam = org.exam_id.as_str();

    let cand = app.signed_in(CANDIDATE).await;
    let (status, _) = app
        .call(&cand, "invite", &[("exam_id", exam), ("emails", "x@example.org")])
        .await;
    assert_eq!(status, 403, "a candidate cannot invite");

    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("emails", "good@example.org, not-an-address")],
            "not-an-address",
        ),
        (&[("emails", " , ")], "at least one"),
        (
            &[("emails", "a@example.org"), ("extra_percent", "lots")],
            "whole number",
        ),
        (
            &[("emails", "a@example.org"), ("extra_percent", "401")],
            "between 0 and 400",
        ),
        (
            &[("emails", "a@example.org"), ("extra_minutes", "-5")],
            "between 0 and",
        ),
    ];
    for (fields, expected) in cases {
        let mut form = vec![("exam_id", exam)];
        form.extend_from_slice(fields);
        let (status, body) = app.call(&manager, "invite", &form).await;
        assert_eq!(status, 400, "{fields:?}: {body}");
        assert!(message(&body).contains(expected), "{fields:?}: {body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox").await, 0);

    // A cancelled exam, or one whose window has closed, takes no more invitations.
    sqlx::query("UPDATE exams SET status = 'CANCELLED' WHERE id = $1")
        .bind(exam)
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, body) = app
        .call(
            &manager,
            "invite",
            &[("exam_id", exam), ("emails", "a@example.org")],
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(message(&body).contains("cancelled"), "{body}");
    sqlx::query("UPDATE exams SET status = 'ACTIVE', closes_at = 1000 WHERE id = $1")
        .bind(exam)
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, body) = app
        .call(
            &manager,
            "invite",
            &[("exam_id", exam), ("emails", "a@example.org")],
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(message(&body).contains("closed"), "{body}");
    sqlx::query("UPDATE exams SET closes_at = $2 WHERE id = $1")
        .bind(exam)
        .bind(common::now_ms() + 86_400_000)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM invitations").await, 0);

    let (status, body) = app.call(&app.client(), "invitation", &[("token", "0000")]).await;
    assert_eq!(status, 404);
    assert!(message(&body).contains("not valid"), "{body}");

    // A newer invitation replaces the older link; an expired one says so.
    let email = "twice@example.org";
    app.call(&manager, "invite", &[("exam_id", exam), ("emails", email)])
        .await;
    let (_, first) = invitation_link(&app.pool, email).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    app.call(&manager, "invite", &[("exam_id", exam), ("emails", email)])
        .await;
    let (_, second) = invitation_link(&app.pool, email).await;
    assert_ne!(first, second);
    let (status, body) = app.call(&app.client(), "invitation", &[("token", &first)]).await;
    assert_eq!(status, 409);
    assert!(message(&body).contains("replaced"), "{body}");
    sqlx::query("UPDATE invitations SET expires_at = 1 WHERE revoked_at IS NULL")
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, body) = app
        .call(
            &app.client(),
            "accept_invitation",
            &[
                ("token", &second),
                ("display_name", "Late"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 409);
    assert!(message(&body).contains("expired"), "{body}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE email = 'twice@example.org'")
            .await,
        0
    );
}

#[tokio::test]
async fn accommodations_are_set_by_managers_only_and_apply_to_the_next_attempt() {
    let (app, org) = TestApp::start("accommodation").await;
    let manager = app.signed_in(MANAGER).await;
    let (_, roster) = app.call(&manager, "roster", &[("exam_id", &org.exam_id)]).await;
    let line = roster["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["email"] == CANDIDATE)
        .cloned()
        .unwrap();
    let enrollment = line["enrollment_id"].as_str().unwrap().to_string();

    let cand = app.signed_in(CANDIDATE).await;
    let (status, _) = app
        .call(
            &cand,
            "set_accommodation",
            &[("enrollment_id", &enrollment), ("extra_percent", "100")],
        )
        .await;
    assert_eq!(status, 403, "candidates cannot grant themselves time");
    let (status, body) = app
        .call(
            &manager,
            "set_accommodation",
            &[("enrollment_id", &enrollment), ("extra_percent", "9999")],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = app
        .call(
            &manager,
            "set_accommodation",
            &[
                ("enrollment_id", &enrollment),
                ("extra_percent", "25"),
                ("extra_minutes", "5"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let sid = app.start_attempt(&cand, &org.exam_id).await;
    let (started, deadline, duration): (i64, i64, i64) = sqlx::query_as(
        "SELECT s.started_at, s.deadline_at, e.duration_minutes FROM exam_sessions s JOIN exams e ON e.id = s.exam_id WHERE s.id = $1",
    )
    .bind(&sid)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(deadline - started, duration * 60_000 * 5 / 4 + 5 * 60_000);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'ACCOMMODATION_SET'")
            .await,
        1
    );
}

/// A minimal SMTP server: accepts one message per connection and hands over its data.
async fn smtp_sink() -> (u16, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                let mut transcript = String::new();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    transcript.push_str(&line);
                    transcript.push('\n');
                    let reply: &[u8] = if in_data {
                        if line == "." {
                            in_data = false;
                            b"250 queued\r\n"
                        } else {
                            continue;
                        }
                    } else {
                        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                        match verb.as_str() {
                            "EHLO" => b"250-sink\r\n250 8BITMIME\r\n",
                            "DATA" => {
                                in_data = true;
                                b"354 go on\r\n"
                            }
                            "QUIT" => {
                                let _ = write.write_all(b"221 bye\r\n").await;
                                break;
                            }
                            _ => b"250 ok\r\n",
                        }
                    };
                    if write.write_all(reply).await.is_err() {
                        break;
                    }
                }
                let _ = tx.send(transcript);
            });
        }
    });
    (port, rx)
}

#[tokio::test]
async fn with_smtp_configured_the_invitation_is_delivered() {
    let (port, mut received) = smtp_sink().await;
    let (db_url, pool) = common::fresh_database("smtp").await;
    let org = app::server::demo::seed_demo(&pool).await.unwrap();
    let smtp = format!("smtp://127.0.0.1:{port}");
    let app = TestApp::spawn_with(
        db_url,
        pool,
        &[
            ("VIGIL_SMTP_URL", &smtp),
            ("VIGIL_MAIL_FROM", "Exams <exams@example.org>"),
        ],
    )
    .await;
    let manager = app.signed_in(MANAGER).await;
    let (status, _) = app
        .call(
            &manager,
            "invite",
            &[("exam_id", &org.exam_id), ("emails", "mailed@example.org")],
        )
        .await;
    assert_eq!(status, 200);
    let (_, token) = invitation_link(&app.pool, "mailed@example.org").await;
    let transcript = tokio::time::timeout(std::time::Duration::from_secs(20), received.recv())
        .await
        .expect("the server delivered within 20 s")
        .unwrap();
    assert!(
        transcript.contains("RCPT TO:<mailed@example.org>"),
        "{transcript}"
    );
    assert!(
        transcript.contains("MAIL FROM:<exams@example.org>"),
        "{transcript}"
    );
    // Quoted-printable may fold long lines with a trailing `=`.
    let unfolded = transcript.replace("=\n", "");
    assert!(
        unfolded.contains(&token),
        "the link reaches the candidate: {transcript}"
    );
    for _ in 0..100 {
        if app
            .count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL")
            .await
            == 1
        {
            // Once sent, the one-time link is not kept in the outbox.
            let kept: String = sqlx::query_scalar("SELECT body FROM outbox")
                .fetch_one(&app.pool)
                .await
                .unwrap();
            assert!(!kept.contains(&token), "{kept}");
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the outbox row was not marked sent");
}
