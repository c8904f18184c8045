//! Moodle's GIFT text format: one question per paragraph, answers between braces.
//!
//! ```text
//! $CATEGORY: Networking/Ports
//!
//! // [id:https-port] [tag:ports]
//! ::HTTPS::Which port does HTTPS use? {=443 ~80#That is plain HTTP. ~22}
//! ```
//!
//! What it reads, as Moodle's own importer does: every type Vigil has (single and multiple
//! choice with `%50%` weights, true/false with feedback for a wrong and a right answer, short
//! answers, numbers with a tolerance `1822:2` or a range `1..5`, essays), matching pairs and
//! descriptions, titles, `[html]`/`[markdown]`/`[plain]`/`[moodle]` formats, general feedback
//! after `####`, categories, `[id:…]` and `[tag:…]` in comments, the missing-word form (answers
//! in the middle of the text become a `_____` blank) and the escapes `\~ \= \# \{ \} \: \n \\`.
//! What it cannot read (several answer blocks in one question, unbalanced braces) is skipped
//! with its line number and the reason.

use super::{title_from, ImportedQuestion, Location, Parsed, MAX_SOURCE_BYTES};
use crate::question::{Body, Difficulty, QuestionContent, Text, TextFormat};

/// Escaped control characters become private-use placeholders before the structure is read
/// and turn back into themselves afterwards, so `\{` is never taken for a brace.
const ESCAPES: [(char, char, char); 7] = [
    // (after the backslash, placeholder, restored as)
    (':', '\u{E03A}', ':'),
    ('#', '\u{E023}', '#'),
    ('=', '\u{E03D}', '='),
    ('{', '\u{E07B}', '{'),
    ('}', '\u{E07D}', '}'),
    ('~', '\u{E07E}', '~'),
    ('n', '\u{E00A}', '\n'),
];

fn hide_escapes(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut chars = src.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('\\') => {
                chars.next();
                out.push('\\');
            }
            Some(next) => match ESCAPES.iter().find(|(e, _, _)| *e == next) {
                Some((_, placeholder, _)) => {
                    chars.next();
                    out.push(*placeholder);
                }
                None => out.push('\\'),
            },
            None => out.push('\\'),
        }
    }
    out
}

fn restore(s: &str) -> String {
    s.chars()
        .map(|c| ESCAPES.iter().find(|(_, p, _)| *p == c).map_or(c, |(_, _, r)| *r))
        .collect()
}

/// Plain text reads as one paragraph (line breaks in the source are for the author); HTML and
/// Markdown keep their lines. An escaped `\n` is a line break in every format.
fn finish_text(format: TextFormat, raw: &str) -> String {
    let text = match format {
        TextFormat::Plain => raw.split_whitespace().collect::<Vec<_>>().join(" "),
        TextFormat::Markdown | TextFormat::Html => raw.trim().to_string(),
    };
    restore(&text)
}

/// Reads an optional `[format]` prefix; `default` otherwise.
fn text_with_format(raw: &str, default: TextFormat) -> Text {
    let raw = raw.trim();
    let (format, rest) = raw
        .strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .and_then(|(name, rest)| {
            let format = match name {
                "moodle" | "plain" => TextFormat::Plain,
                "html" => TextFormat::Html,
                "markdown" => TextFormat::Markdown,
                _ => return None,
            };
            Some((format, rest))
        })
        .unwrap_or((default, raw));
    Text {
        format,
        text: finish_text(format, rest),
    }
}

fn optional_text(raw: &str, default: TextFormat) -> Option<Text> {
    Some(text_with_format(raw, default)).filter(|t| !t.is_blank())
}

mod answers;

use answers::{choice, matching, numeric, short_answer, true_false};

/// One paragraph of the source, escapes hidden.
struct Block {
    line: u32,
    text: String,
    id: Option<String>,
    tags: Vec<String>,
}

/// `[id:…]` and `[tag:…]` in a comment line.
fn read_metadata(comment: &str, id: &mut Option<String>, tags: &mut Vec<String>) {
    let mut rest = comment;
    while let Some(open) = rest.find('[') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find(']') else { break };
        let inner = &rest[..close];
        if let Some(v) = inner.strip_prefix("id:") {
            *id = Some(restore(v.trim())).filter(|v| !v.is_empty());
        } else if let Some(v) = inner.strip_prefix("tag:") {
            let tag = restore(v.trim());
            if !tag.is_empty() && !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        rest = &rest[close + 1..];
    }
}

/// Does this line look like more of an answer block (after a blank line inside braces)?
fn continues_answers(line: &str) -> bool {
    matches!(
        line.trim_start().chars().next(),
        Some('=' | '~' | '#' | '}' | '%')
    )
}

/// Paragraphs separated by blank lines. A blank line inside an answer block does not end the
/// question when the next line carries on with answers; otherwise it does, so one unclosed
/// brace costs one question, not the rest of the file.
fn blocks(src: &str) -> Vec<Block> {
    let lines: Vec<&str> = src.lines().collect();
    // For each line, the first non-blank line from it on (computed once: a run of blank lines
    // must not be scanned again for each of its lines).
    let mut next_text: Vec<Option<usize>> = vec![None; lines.len() + 1];
    for i in (0..lines.len()).rev() {
        next_text[i] = if lines[i].trim().is_empty() {
            next_text[i + 1]
        } else {
            Some(i)
        };
    }
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    let mut depth: i64 = 0;
    let (mut id, mut tags) = (None, Vec::new());
    for (i, line) in lines.iter().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let trimmed = line.trim();
        if trimmed.starts_with("//") {
            match current.as_mut() {
                Some(block) => read_metadata(trimmed, &mut block.id, &mut block.tags),
                None => read_metadata(trimmed, &mut id, &mut tags),
            }
            continue;
        }
        if trimmed.is_empty() {
            let carry_on = depth > 0 && next_text[i].is_some_and(|n| continues_answers(lines[n]));
            if let Some(block) = current.as_mut().filter(|_| carry_on) {
                block.text.push('\n');
            } else if let Some(block) = current.take() {
                out.push(block);
                depth = 0;
            }
            continue;
        }
        let block = current.get_or_insert_with(|| Block {
            line: number,
            text: String::new(),
            id: id.take(),
            tags: std::mem::take(&mut tags),
        });
        if !block.text.is_empty() {
            block.text.push('\n');
        }
        block.text.push_str(line);
        for c in line.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
        }
    }
    out.extend(current);
    out
}

/// Parses a GIFT file.
pub fn parse(src: &str) -> Parsed {
    let mut parsed = Parsed::default();
    if src.len() > MAX_SOURCE_BYTES {
        parsed.skip(Location::Whole, "The file is larger than 16 MB.");
        return parsed;
    }
    let hidden = hide_escapes(src);
    let mut category: Option<String> = None;
    for block in blocks(&hidden) {
        let mut text = block.text.trim();
        // A category line may sit directly above its first question.
        if let Some(rest) = text.strip_prefix("$CATEGORY:") {
            let (line, after) = rest.split_once('\n').unwrap_or((rest, ""));
            category = Some(finish_text(TextFormat::Plain, line)).filter(|c| !c.is_empty());
            text = after.trim();
            if text.is_empty() {
                continue;
            }
        }
        let location = Location::Line(block.line);
        match question(text, &block) {
            Ok((content, embedded_answer)) => parsed.admit(ImportedQuestion {
                location,
                category: category.clone(),
                embedded_answer,
                content,
                files: Vec::new(),
            }),
            Err(reason) => parsed.skip(location, reason),
        }
    }
    parsed
}

/// One question from its paragraph, or why it cannot be read.
fn question(text: &str, block: &Block) -> Result<(QuestionContent, bool), String> {
    let (title, text) = match text.strip_prefix("::").and_then(|r| r.split_once("::")) {
        Some((title, rest)) => (Some(finish_text(TextFormat::Plain, title)), rest.trim_start()),
        None => (None, text),
    };

    let open = text.find('{');
    let close = open.and_then(|o| text[o..].find('}').map(|c| o + c));
    let (stem_raw, answers, embedded) = match (open, close) {
        (None, None) if !text.contains('}') => (text.to_string(), None, false),
        (Some(open), Some(close)) => {
            let (before, after) = (&text[..open], &text[close + 1..]);
            if after.contains(['{', '}']) {
                return Err(
                    "This question has more than one answer block (an embedded-answers or cloze question), which Vigil cannot deliver: it was skipped.".into(),
                );
            }
            let embedded = !after.trim().is_empty();
            let stem = if embedded {
                format!("{} _____ {}", before.trim_end(), after.trim_start())
            } else {
                before.to_string()
            };
            (stem, Some(text[open + 1..close].trim()), embedded)
        }
        (Some(_), None) => return Err("An answer block opens with { but never closes with }.".into()),
        _ => return Err("A } closes an answer block that never opened with {.".into()),
    };

    let stem = text_with_format(&stem_raw, TextFormat::Plain);
    let format = stem.format;
    let (answers, general_feedback) = match answers {
        Some(a) => match a.rfind("####") {
            Some(i) => (Some(a[..i].trim()), optional_text(&a[i + 4..], format)),
            None => (Some(a), None),
        },
        None => (None, None),
    };

    let body = match answers {
        None => Body::Description,
        Some("") => Body::Essay {
            grader_guidance: None,
        },
        Some(a) if a.starts_with('#') => numeric(&a[1..], format)?,
        Some(a) if a.contains('~') => choice(a, format)?,
        Some(a) if a.contains('=') && a.contains("->") => matching(a, format)?,
        Some(a) => match true_false(a, format) {
            Some(body) => body,
            None => short_answer(a, format)?,
        },
    };
    let points = if matches!(body, Body::Description) {
        0.0
    } else {
        1.0
    };
    let title = title
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| title_from(&stem, &Location::Line(block.line)));
    Ok((
        QuestionContent {
            title,
            stem,
            body,
            general_feedback,
            points,
            difficulty: Difficulty::Medium,
            tags: block.tags.clone(),
            source_id: block.id.clone(),
        },
        embedded,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(src: &str) -> ImportedQuestion {
        let parsed = parse(src);
        assert_eq!(parsed.questions.len(), 1, "{parsed:#?}");
        parsed.questions.into_iter().next().unwrap()
    }

    #[test]
    fn escapes_hide_control_characters_and_come_back() {
        let q = one(r"::a\:b:: 1 \= 1, \{ \} \~ \# \\ C:\path {TRUE}");
        assert_eq!(q.content.title, "a:b");
        assert_eq!(q.content.stem.text, r"1 = 1, { } ~ # \ C:\path");
    }

    #[test]
    fn an_unclosed_brace_costs_one_question_and_names_its_line() {
        let parsed = parse("First {=a ~b\n\nSecond?{T}\n\nThird {=x ~y}\n");
        assert_eq!(parsed.questions.len(), 2);
        assert_eq!(parsed.findings.len(), 1);
        assert_eq!(parsed.findings[0].location, Location::Line(1));
        assert!(parsed.findings[0].skipped);
        assert!(parsed.findings[0].message.contains("never closes"));
    }

    #[test]
    fn a_blank_line_inside_an_answer_block_does_not_split_the_question() {
        let q = one("Pick one {\n=a\n\n~b\n}");
        assert!(matches!(q.content.body, Body::Choice { ref options, .. } if options.len() == 2));
    }

    #[test]
    fn cloze_and_impossible_questions_are_skipped_with_a_reason() {
        let parsed = parse(
            "Water is {=1 =one} oxygen and {=2 =two} hydrogen.\n\nNo right answer {~a ~b}\n\nOdd {#abc}",
        );
        assert!(parsed.questions.is_empty());
        let lines: Vec<_> = parsed.findings.iter().map(|f| f.location.clone()).collect();
        assert_eq!(lines, [Location::Line(1), Location::Line(3), Location::Line(5)]);
        assert!(parsed.findings[0].message.contains("more than one answer block"));
        assert!(parsed.findings[1].message.contains("correct"));
        assert!(parsed.findings[2].message.contains("“abc” is not a number"));
    }

    #[test]
    fn a_category_above_its_first_question_applies_to_what_follows() {
        let parsed = parse("$CATEGORY: Networking/Ports\n::p::Port? {=443}\n\nNext {F}");
        let cats: Vec<_> = parsed.questions.iter().map(|q| q.category.as_deref()).collect();
        assert_eq!(cats, [Some("Networking/Ports"), Some("Networking/Ports")]);
    }

    #[test]
    fn titles_default_to_the_start_of_the_text_without_markup() {
        let q = one("[html]<p>What does <b>TLS</b> protect?</p>{}");
        assert_eq!(q.content.title, "What does TLS protect?");
    }
}
