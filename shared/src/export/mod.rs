//! Question banks written out for other systems: Moodle XML and QTI 3.0 packages, from the
//! same model the importers fill, so an export imported elsewhere (or back into Vigil) gives the
//! same questions. What a format cannot carry is reported, never dropped silently.
//!
//! Compiled only with the `interchange` feature, like the importers.

pub mod moodle_xml;
pub mod qti;

use crate::import::EmbeddedFile;
use crate::question::QuestionContent;

/// One question of a bank as it is exported.
#[derive(Debug, Clone, Copy)]
pub struct BankEntry<'a> {
    /// The category path to file it under (Moodle's `$course$/top/…`), if any.
    pub category: Option<&'a str>,
    pub content: &'a QuestionContent,
    /// Files the question's texts refer to as `@@PLUGINFILE@@/name`.
    pub files: &'a [EmbeddedFile],
}

/// Something an export could not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    /// The question's title.
    pub question: String,
    pub message: String,
}

/// Escapes text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot hold at all are left out.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

/// A number as Moodle and QTI write it: no exponent, no needless decimals.
pub(crate) fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}
