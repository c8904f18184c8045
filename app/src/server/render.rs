//! Texts people wrote, made safe to show: Markdown becomes HTML, and any HTML (written or
//! imported) passes an allow-list, so no script, event handler or `javascript:` link survives.

use shared::question::{Text, TextFormat};

/// The text as HTML to place in a page, or `None` for plain text (shown as text, escaped).
pub fn html_of(text: &Text) -> Option<String> {
    match text.format {
        TextFormat::Plain => None,
        TextFormat::Markdown => {
            use pulldown_cmark::{html, Options, Parser};
            let parser = Parser::new_ext(&text.text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
            let mut out = String::with_capacity(text.text.len() * 3 / 2);
            html::push_html(&mut out, parser);
            Some(clean(&out))
        }
        TextFormat::Html => Some(clean(&text.text)),
    }
}

/// The allow-list: ammonia's defaults (formatting, lists, tables, links, images) with links
/// limited to the web and mail, and images to the web or Vigil's own files.
fn clean(html: &str) -> String {
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> String {
        html_of(&Text {
            format: TextFormat::Markdown,
            text: s.into(),
        })
        .unwrap_or_default()
    }

    #[test]
    fn markdown_formats_and_keeps_bank_images() {
        let html = md("**Bold** and `code`\n\n![diagram](/files/0193-abc)");
        assert!(html.contains("<strong>Bold</strong>"), "{html}");
        assert!(html.contains("<code>code</code>"), "{html}");
        assert!(
            html.contains(r#"<img src="/files/0193-abc" alt="diagram">"#),
            "{html}"
        );
    }

    #[test]
    fn no_script_survives() {
        for attack in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg><script>alert(1)</script></svg>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
        ] {
            let html = md(attack).to_lowercase();
            assert!(!html.contains("<script"), "{attack} → {html}");
            assert!(!html.contains("onerror"), "{attack} → {html}");
            assert!(!html.contains("javascript:"), "{attack} → {html}");
            assert!(!html.contains("<iframe"), "{attack} → {html}");
            assert!(!html.contains("style="), "{attack} → {html}");
        }
        let imported = html_of(&Text {
            format: TextFormat::Html,
            text: "<p onclick=\"x()\">Hi<script>x()</script></p>".into(),
        });
        assert_eq!(imported.as_deref(), Some("<p>Hi</p>"));
        assert_eq!(
            html_of(&Text::plain("<b>as typed</b>")),
            None,
            "plain text is escaped by the page"
        );
    }
}
