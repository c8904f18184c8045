//! The questions a server-rendered exam page carries for hydration.
//!
//! Leptos writes each resource the page awaited into a script, as a JavaScript string literal
//! holding its JSON (`__RESOLVED_RESOURCES[n] = "…";`, Rust's `{:?}` of the text with every `<`
//! written `\u003c`). The browser's hydration reads the exam's questions from there; the load
//! generator does the same, so that a candidate costs the server what a browser costs it.

use serde_json::Value;

const MARKER: &str = "__RESOLVED_RESOURCES";

/// Each question's id and kind, in the order the page lists them; empty if the page has none.
pub fn questions_on_page(page: &str) -> Vec<(String, String)> {
    page.match_indices(MARKER)
        .flat_map(|(at, _)| literals(&page[at + MARKER.len()..]))
        .filter_map(|text| serde_json::from_str::<Value>(&text).ok())
        .find_map(|data| questions_in(&data))
        .unwrap_or_default()
}

/// The string literals of one statement (up to its `;`), decoded.
fn literals(script: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut chars = script.chars();
    while let Some(c) = chars.next() {
        match c {
            ';' => break,
            '"' => match literal(&mut chars) {
                Some(text) => found.push(text),
                None => break,
            },
            _ => {}
        }
    }
    found
}

/// Decodes a literal whose opening quote was just read; `None` if it never closes.
fn literal(chars: &mut std::str::Chars<'_>) -> Option<String> {
    let mut out = String::new();
    loop {
        match chars.next()? {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                '0' => out.push('\0'),
                'u' => out.push(unicode_escape(chars)?),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
}

/// `\u{1b}` (Rust) or `\u003c` (JavaScript), after the `u`.
fn unicode_escape(chars: &mut std::str::Chars<'_>) -> Option<char> {
    let rest = chars.as_str();
    let (hex, used) = match rest.strip_prefix('{') {
        Some(braced) => {
            let close = braced.find('}')?;
            (&braced[..close], close + 2)
        }
        None => (rest.get(..4)?, 4),
    };
    let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
    for _ in 0..used {
        chars.next();
    }
    Some(c)
}

/// The `questions` array of the page's data (under its `Ok`), as (id, kind) pairs.
fn questions_in(data: &Value) -> Option<Vec<(String, String)>> {
    let questions = data.get("Ok").unwrap_or(data).get("questions")?.as_array()?;
    Some(
        questions
            .iter()
            .filter_map(|q| {
                Some((
                    q["question_id"].as_str()?.to_string(),
                    q["kind"].as_str()?.to_string(),
                ))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A resource written as Leptos writes it.
    fn script(index: usize, data: &Value) -> String {
        let literal = format!("{:?}", data.to_string()).replace('<', "\\u003c");
        format!("<script>__RESOLVED_RESOURCES[{index}] = {literal};</script>")
    }

    #[test]
    fn reads_the_questions_hydration_reads() {
        let who = json!({"Ok": {"name": "Ada \"the\" candidate"}});
        let exam = json!({"Ok": {
            "session_id": "s1",
            "questions": [
                {"question_id": "q1", "kind": "TRUE_FALSE", "stem": "Is <b>this</b> \\ true?\n\u{1b}"},
                {"question_id": "q2", "kind": "SHORT_TEXT", "stem": "Name it; then \"quote\" it"},
            ],
        }});
        let page = format!(
            "<html><head><script>__RESOLVED_RESOURCES=[];</script></head><body>{}{}</body></html>",
            script(0, &who),
            script(1, &exam)
        );
        assert_eq!(
            questions_on_page(&page),
            vec![
                ("q1".to_string(), "TRUE_FALSE".to_string()),
                ("q2".to_string(), "SHORT_TEXT".to_string()),
            ]
        );
    }

    #[test]
    fn a_page_without_the_exam_has_no_questions() {
        let page = script(0, &json!({"Err": {"Forbidden": "not yours"}}));
        assert!(questions_on_page(&page).is_empty());
        assert!(questions_on_page("<html>__RESOLVED_RESOURCES[0] = \"unclosed").is_empty());
    }
}
