mod common;

use common::TestApp;

#[tokio::test]
async fn healthz_reports_the_database_and_unknown_pages_are_404() {
    let (app, _) = TestApp::start("health").await;
    let r = reqwest::get(format!("{}/healthz", app.base)).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().contains_key("x-request-id"));
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");

    let r = reqwest::get(format!("{}/no/such/page", app.base)).await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("Page not found"));

    let r = reqwest::get(format!("{}/signin", app.base)).await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("<label for=\"email\">Email</label>"), "{html}");
}

#[tokio::test]
async fn every_response_refuses_framing_and_sniffing_and_keeps_its_address_to_itself() {
    let (app, _) = TestApp::start("headers").await;
    for path in ["/signin", "/healthz", "/no/such/page", "/pkg/vigil.css"] {
        let r = reqwest::get(format!("{}{path}", app.base)).await.unwrap();
        let h = r.headers();
        let get = |name: &str| {
            h.get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(get("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(get("x-frame-options"), "DENY", "{path}");
        assert_eq!(get("referrer-policy"), "same-origin", "{path}");
        assert!(
            get("content-security-policy").contains("frame-ancestors 'none'"),
            "{path}"
        );
    }
}
