//! Marks for review. They are kept on the server, so they follow the candidate to another
//! device; a mark the server has not confirmed (made offline) waits on this device and is
//! applied and sent again on the next load.

use super::*;

/// The questions marked for review, and what marks or unmarks one (shown at once, sent to the
/// server, kept on this device until the server has it).
pub(super) fn for_review(data: &PlayerData) -> (RwSignal<HashSet<String>>, Callback<(String, bool)>) {
    let marked = RwSignal::new(
        data.questions
            .iter()
            .filter(|q| q.marked)
            .map(|q| q.question_id.clone())
            .collect::<HashSet<String>>(),
    );
    let session_id = data.session_id.clone();
    let on_mark = Callback::new(move |(qid, on): (String, bool)| {
        marked.update(|m| {
            if on {
                m.insert(qid.clone());
            } else {
                m.remove(&qid);
            }
        });
        send_mark(session_id.clone(), qid, on);
    });
    #[cfg(feature = "hydrate")]
    {
        let pending = crate::answer_store::load_marks(&data.session_id);
        if !pending.is_empty() {
            // After hydration, so the first render matches the server's.
            request_animation_frame(move || {
                for mark in pending {
                    on_mark.run(mark);
                }
            });
        }
    }
    (marked, on_mark)
}

/// Sends a mark for review to the server. When the server cannot be reached the mark is kept
/// on the device and sent again on the next load; the palette shows it either way.
fn send_mark(session_id: String, question_id: String, marked: bool) {
    #[cfg(feature = "hydrate")]
    {
        crate::answer_store::put_mark(&session_id, &question_id, marked);
        leptos::task::spawn_local(async move {
            let result =
                crate::api::player::mark_question(session_id.clone(), question_id.clone(), marked).await;
            // Kept for another try only when the server could not be reached.
            if !matches!(result, Err(AppError::Unreachable | AppError::Internal)) {
                crate::answer_store::confirm_mark(&session_id, &question_id, marked);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (session_id, question_id, marked);
}
