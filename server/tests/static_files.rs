//! The bundle's files are named by a version made from their content, kept by browsers for a
//! year, and sent pre-compressed when the build made compressed copies; names outside that
//! version or outside the directory are refused.

mod common;

use common::TestApp;

/// A site directory of our own: the files, and compressed copies that differ from a compression
/// made on the fly, so a response shows which one was sent.
fn site(label: &str, css: &str) -> std::path::PathBuf {
    let root = common::scratch_dir(label);
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("vigil.js"), "export default function init() {}\n").unwrap();
    std::fs::write(pkg.join("vigil.js.br"), b"brotli copy").unwrap();
    std::fs::write(pkg.join("vigil.js.gz"), b"gzip copy").unwrap();
    std::fs::write(pkg.join("vigil_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(pkg.join("vigil.css"), css).unwrap();
    std::fs::write(root.join("secret.txt"), "outside the bundle").unwrap();
    root
}

async fn version_on_page(app: &TestApp) -> String {
    let page = reqwest::get(format!("{}/signin", app.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = page.find("/pkg/").expect("the page names the bundle") + "/pkg/".len();
    let version: String = page[start..].chars().take_while(|c| *c != '/').collect();
    assert!(
        page.contains(&format!("/pkg/{version}/vigil.css")),
        "the stylesheet is under the same version"
    );
    assert!(page.contains(&format!("/pkg/{version}/vigil.js")));
    version
}

#[tokio::test]
async fn bundle_files_are_versioned_cached_for_a_year_and_sent_precompressed() {
    let root = site("static-a", "body { color: black }");
    let (db_url, pool) = common::fresh_database("static").await;
    let root_str = root.display().to_string();
    let app = TestApp::spawn_with(db_url.clone(), pool.clone(), &[("LEPTOS_SITE_ROOT", &root_str)]).await;
    let version = version_on_page(&app).await;
    // (This client decodes nothing: it has no compression features.)
    let client = reqwest::Client::new();
    let get = |path: String, encoding: Option<&'static str>| {
        let mut r = client.get(format!("{}{path}", app.base));
        if let Some(e) = encoding {
            r = r.header("accept-encoding", e);
        }
        r.send()
    };

    let r = get(format!("/pkg/{version}/vigil.js"), Some("gzip, br"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(r.headers()["vary"].to_str().unwrap().contains("accept-encoding"));
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"brotli copy");

    let r = get(format!("/pkg/{version}/vigil.js"), Some("gzip"))
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"gzip copy");

    let r = get(format!("/pkg/{version}/vigil.js"), None).await.unwrap();
    assert!(r.headers().get("content-encoding").is_none());
    assert!(r.text().await.unwrap().starts_with("export default"));

    let r = get(format!("/pkg/{version}/vigil.css"), None).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));

    // Another version, a name that climbs out, a hidden or missing file: not found.
    for path in [
        "/pkg/0000000000000000/vigil.js".to_string(),
        format!("/pkg/{version}/..%2Fsecret.txt"),
        format!("/pkg/{version}/%2E%2E%2Fsecret.txt"),
        format!("/pkg/{version}/.hidden"),
        format!("/pkg/{version}/missing.js"),
    ] {
        let r = get(path.clone(), None).await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
        assert!(!r.text().await.unwrap().contains("outside the bundle"), "{path}");
    }
    drop(app);

    // A new build (other content) gets another version, so browsers fetch it at once.
    let changed = site("static-b", "body { color: navy }");
    let changed_str = changed.display().to_string();
    let app = TestApp::spawn_with(db_url, pool, &[("LEPTOS_SITE_ROOT", &changed_str)]).await;
    let new_version = version_on_page(&app).await;
    assert_ne!(new_version, version);
    let r = reqwest::get(format!("{}/pkg/{version}/vigil.css", app.base))
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "the old version is not this node's");
}
