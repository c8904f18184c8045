//! The hardening an attacker meets first: requests from other sites, the page's script policy,
//! the session cookie over HTTPS, sessions that end when idle or signed out elsewhere, and
//! secrets kept out of what an operator reads.

mod common;

use common::{message, ws, TestApp, PASSWORD};

const CANDIDATE: &str = "candidate@demo.vigil.test";

#[tokio::test]
async fn requests_from_another_site_change_nothing() {
    let (app, seeded) = TestApp::start("cross_site").await;
    let sign_in = |headers: &'static [(&'static str, &'static str)]| {
        let mut r = app
            .client()
            .post(format!("{}/api/sign_in", app.base))
            .form(&[("email", CANDIDATE), ("password", PASSWORD)]);
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        r.send()
    };
    // Login CSRF: a page elsewhere posting the attacker's credentials into the victim's browser.
    for headers in [
        &[("origin", "https://evil.example")][..],
        &[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ][..],
        &[("sec-fetch-site", "same-site")][..],
        &[("origin", "null")][..],
    ] {
        let r = sign_in(headers).await.unwrap();
        assert_eq!(r.status(), 403, "{headers:?}");
        assert!(r.headers().get("set-cookie").is_none(), "{headers:?}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert!(message(&body).contains("another site"), "{body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log").await,
        0,
        "nothing reached sign-in"
    );

    // The page itself, as a browser sends it, is heard.
    let own_origin: &'static str = Box::leak(app.base.clone().into_boxed_str());
    let r = sign_in(Box::leak(Box::new([
        ("origin", own_origin),
        ("sec-fetch-site", "same-origin"),
    ])))
    .await
    .unwrap();
    assert_eq!(r.status(), 200);

    // The streams opened under a cookie, and the page-hide beacon, check too: refused for the
    // other site before anything else (unsigned-in, they would be 401).
    let evil = [("sec-fetch-site", "cross-site")];
    let ws_url = format!("{}/ws/telemetry/{}", app.base, seeded.exam_id);
    let paths = [
        ("GET", ws_url),
        ("GET", format!("{}/api/review/live", app.base)),
        ("POST", format!("{}/api/telemetry", app.base)),
    ];
    for (method, url) in &paths {
        let client = reqwest::Client::new();
        let req = if *method == "GET" {
            client.get(url)
        } else {
            client.post(url).body("{}")
        };
        let r = req.header(evil[0].0, evil[0].1).send().await.unwrap();
        assert_eq!(r.status(), 403, "{method} {url}");
        let r = if *method == "GET" {
            client.get(url)
        } else {
            client.post(url).body("{}")
        }
        .send()
        .await
        .unwrap();
        assert_ne!(r.status(), 403, "{method} {url} without the other site's mark");
    }
}

#[tokio::test]
async fn pages_allow_only_their_own_nonced_scripts() {
    let (app, _) = TestApp::start("csp").await;
    let nonce_of = |csp: &str| {
        csp.split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .and_then(|d| d.split("'nonce-").nth(1))
            .and_then(|n| n.split('\'').next())
            .map(str::to_string)
    };
    let mut seen = Vec::new();
    for _ in 0..2 {
        let r = reqwest::get(format!("{}/signin", app.base)).await.unwrap();
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        let script_src = csp
            .split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .unwrap()
            .to_string();
        assert!(!script_src.contains("unsafe-inline"), "{csp}");
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"),
            "{csp}"
        );
        let nonce = nonce_of(&csp).unwrap_or_else(|| panic!("a nonce in {csp}"));
        assert!(nonce.len() >= 16, "{nonce}");
        let html = r.text().await.unwrap();
        let scripts = html.matches("<script").count();
        assert!(scripts > 0);
        assert!(
            html.contains(&format!("nonce=\"{nonce}\"")),
            "the hydration script carries the response's nonce"
        );
        for tag in html.split("<script").skip(1) {
            let open = tag.split('>').next().unwrap_or_default();
            assert!(
                open.contains(&format!("nonce=\"{nonce}\"")),
                "every script is nonced: <script{open}>"
            );
        }
        seen.push(nonce);
    }
    assert_ne!(seen[0], seen[1], "a fresh nonce for every response");
}

#[tokio::test]
async fn over_https_the_cookie_is_host_only_and_browsers_are_told_to_stay() {
    let (db_url, pool) = common::fresh_database("secure_cookie").await;
    app::server::demo::seed_demo(&pool).await.unwrap();
    let app = TestApp::spawn_with(db_url, pool, &[("VIGIL_SECURE_COOKIES", "true")]).await;
    let r = reqwest::Client::new()
        .post(format!("{}/api/sign_in", app.base))
        .form(&[("email", CANDIDATE), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let hsts = r.headers()["strict-transport-security"].to_str().unwrap();
    assert!(hsts.contains("max-age=31536000"), "{hsts}");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("__Host-vigil_session="), "{cookie}");
    assert!(
        cookie.contains("; Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"),
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

    let me = |cookie: String| {
        let base = app.base.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{base}/api/me"))
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        me(format!("__Host-vigil_session={token}")).await["email"],
        CANDIDATE
    );
    // A cookie without the prefix (which a sibling subdomain could set) signs nobody in.
    assert_eq!(
        me(format!("vigil_session={token}")).await,
        serde_json::Value::Null
    );

    // Without secure cookies (plain HTTP on a laptop) there is no HSTS to get stuck with.
    let (plain, _) = TestApp::start("plain_http").await;
    let r = reqwest::get(format!("{}/signin", plain.base)).await.unwrap();
    assert!(r.headers().get("strict-transport-security").is_none());
}

#[tokio::test]
async fn an_idle_session_ends_and_a_used_one_lives_on() {
    let (app, _) = TestApp::start("idle").await;
    let idle = app.signed_in(CANDIDATE).await;
    let busy = app.signed_in("reviewer@demo.vigil.test").await;
    let now = common::now_ms();
    let minutes = |m: i64| now - m * 60_000;
    sqlx::query(
        "UPDATE sessions SET last_seen_at = $1 WHERE user_id = (SELECT id FROM users WHERE email = $2)",
    )
    .bind(minutes(31))
    .bind(CANDIDATE)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE sessions SET last_seen_at = $1 WHERE user_id = (SELECT id FROM users WHERE email = $2)",
    )
    .bind(minutes(29))
    .bind("reviewer@demo.vigil.test")
    .execute(&app.pool)
    .await
    .unwrap();
    let (_, me) = app.call(&idle, "me", &[]).await;
    assert_eq!(
        me,
        serde_json::Value::Null,
        "31 minutes without use ends a session"
    );
    let (_, me) = app.call(&busy, "me", &[]).await;
    assert_eq!(me["email"], "reviewer@demo.vigil.test");
    // The use is written off the request path, within moments.
    let mut seen = 0_i64;
    for _ in 0..50 {
        seen = sqlx::query_scalar(
            "SELECT last_seen_at FROM sessions WHERE user_id = (SELECT id FROM users WHERE email = $1)",
        )
        .bind("reviewer@demo.vigil.test")
        .fetch_one(&app.pool)
        .await
        .unwrap();
        if seen >= now {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(seen >= now, "using a session keeps it alive");
}

#[tokio::test]
async fn signing_out_closes_the_open_telemetry_socket() {
    let (app, seeded) = TestApp::start("ws_signout").await;
    let client = app.signed_in(CANDIDATE).await;
    let sid = app.start_attempt(&client, &seeded.exam_id).await;
    let cookie = ws::cookie_for(&app, CANDIDATE).await;
    let mut socket = ws::connect(&app, &sid, Some(&cookie))
        .await
        .expect("socket opens");
    let hello = ws::next_frame(&mut socket).await;
    assert_eq!(hello["type"], "hello");

    // The same session signs out (in another tab, say): the socket learns at once.
    let r = reqwest::Client::new()
        .post(format!("{}/api/sign_out", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let closed = tokio::time::timeout(std::time::Duration::from_secs(5), ws::close_code(&mut socket))
        .await
        .expect("the socket closes within seconds");
    assert_eq!(closed, Some(4001));
    // The other session (the candidate's browser) still works: only the ended one was cut.
    let (_, me) = app.call(&client, "me", &[]).await;
    assert_eq!(me["email"], CANDIDATE);
}

#[test]
fn database_passwords_stay_out_of_the_error_output() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vigil"))
        .env("DATABASE_URL", "mysql://vigil:hunter2-secret@db.example/vigil")
        .env("VIGIL_LISTEN", "127.0.0.1:0")
        .output()
        .expect("vigil runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("DATABASE_URL") && stderr.contains("db.example"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2-secret"), "{stderr}");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vigil"))
        .env("DATABASE_URL", "sqlite::memory:")
        .env("VIGIL_LISTEN", "127.0.0.1:0")
        .env("VIGIL_SMTP_URL", "smtp://mailer:s3cret-pass@smtp.example:99999")
        .output()
        .expect("vigil runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("VIGIL_SMTP_URL"), "{stderr}");
    assert!(!stderr.contains("s3cret-pass"), "{stderr}");
}
