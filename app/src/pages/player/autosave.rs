//! Sending answers, and forgetting the ones kept on the device once stored.

use super::*;

/// Sends one answer; what the page should say about it afterwards.
pub(super) async fn send_answer(
    session_id: String,
    question_id: String,
    value: String,
    version: i64,
) -> SaveState {
    let result = save_answer(session_id.clone(), question_id.clone(), value, version).await;
    match result {
        Err(AppError::Unreachable | AppError::Internal) => SaveState::Offline,
        other => {
            // Stored, or refused for good (time is up, submitted): nothing more to send.
            forget_pending(&session_id, &question_id, version);
            match other {
                Ok(_) => SaveState::Saved(js_now()),
                Err(e) => SaveState::Failed(e.to_string()),
            }
        }
    }
}

pub(super) fn forget_pending(session_id: &str, question_id: &str, version: i64) {
    #[cfg(feature = "hydrate")]
    crate::answer_store::confirm(session_id, question_id, version);
    #[cfg(not(feature = "hydrate"))]
    let _ = (session_id, question_id, version);
}

pub(super) fn js_now() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys_now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0
    }
}

#[cfg(feature = "hydrate")]
pub(super) fn js_sys_now() -> i64 {
    crate::telemetry_client::now_ms()
}
