//! Answers not yet confirmed by the server, kept in the browser's storage so that an answer
//! typed offline, or just before a crash or reload, is sent when the page can reach the server.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    pub value: String,
    pub version: i64,
}

fn key(session_id: &str) -> String {
    format!("vigil.answers.{session_id}")
}

fn storage() -> Option<web_sys::Storage> {
    leptos::prelude::window().local_storage().ok().flatten()
}

/// Every unconfirmed answer of the session, by question id.
pub fn load(session_id: &str) -> HashMap<String, Pending> {
    storage()
        .and_then(|s| s.get_item(&key(session_id)).ok().flatten())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

fn store(session_id: &str, all: &HashMap<String, Pending>) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(all)) {
        let _ = if all.is_empty() {
            s.remove_item(&key(session_id))
        } else {
            s.set_item(&key(session_id), &json)
        };
    }
}

pub fn put(session_id: &str, question_id: &str, value: &str, version: i64) {
    let mut all = load(session_id);
    all.insert(
        question_id.to_string(),
        Pending {
            value: value.to_string(),
            version,
        },
    );
    store(session_id, &all);
}

/// Forgets the answer once the server has it (unless a newer one was typed since).
pub fn confirm(session_id: &str, question_id: &str, version: i64) {
    let mut all = load(session_id);
    if all.get(question_id).is_some_and(|p| p.version <= version) {
        all.remove(question_id);
        store(session_id, &all);
    }
}

fn marks_key(session_id: &str) -> String {
    format!("vigil.marks.{session_id}")
}

/// Marks for review not yet confirmed by the server: question id → marked.
pub fn load_marks(session_id: &str) -> HashMap<String, bool> {
    storage()
        .and_then(|s| s.get_item(&marks_key(session_id)).ok().flatten())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

fn store_marks(session_id: &str, all: &HashMap<String, bool>) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(all)) {
        let _ = if all.is_empty() {
            s.remove_item(&marks_key(session_id))
        } else {
            s.set_item(&marks_key(session_id), &json)
        };
    }
}

pub fn put_mark(session_id: &str, question_id: &str, marked: bool) {
    let mut all = load_marks(session_id);
    all.insert(question_id.to_string(), marked);
    store_marks(session_id, &all);
}

/// Forgets a mark once the server has it (unless it was changed again since).
pub fn confirm_mark(session_id: &str, question_id: &str, marked: bool) {
    let mut all = load_marks(session_id);
    if all.get(question_id) == Some(&marked) {
        all.remove(question_id);
        store_marks(session_id, &all);
    }
}
