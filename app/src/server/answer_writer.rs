//! Answer saves share commits (`shared_commits`). Each save is still its own conditional write
//! (the attempt must be open, and an older version never replaces a newer one) and is
//! acknowledged only once committed. At 5,000 candidates saving every 10 s that is 500 saves a
//! second, which one at a time took SQLite's one write lock 500 times a second.

use super::attempts::closed_reason;
use super::db;
use super::shared_commits::{SharedCommits, Stored, Write};
use crate::error::AppError;

/// One answer to store.
#[derive(Debug, Clone)]
pub struct Save {
    pub session_id: String,
    pub user_id: String,
    pub deadline_at: i64,
    pub question_id: String,
    pub value: String,
    pub version: i64,
    pub now: i64,
}

/// Stores answer saves, several to a commit; a save is refused (409) if the attempt is no
/// longer open.
pub type AnswerWriter = SharedCommits<Save>;

impl Write for Save {
    type Outcome = ();

    fn session_id(&self) -> &str {
        &self.session_id
    }

    /// Each save's first statement takes its session's row, so a save racing a submission (the
    /// candidate's or the deadline job's) either lands before it is graded or is refused.
    fn store<'a>(tx: &'a mut db::WriteTx, saves: &'a [&'a Self]) -> Stored<'a, ()> {
        Box::pin(async move {
            let mut outcomes = Vec::with_capacity(saves.len());
            for s in saves {
                if !db::exam_sessions::lock_open_for_save(&mut **tx, &s.session_id, &s.user_id, s.now).await?
                {
                    outcomes.push(Err(AppError::Conflict(
                        closed_reason(s.now, s.deadline_at).into(),
                    )));
                    continue;
                }
                db::answers::upsert(
                    &mut **tx,
                    &s.session_id,
                    &s.question_id,
                    &s.value,
                    s.version,
                    s.now,
                )
                .await?;
                outcomes.push(Ok(()));
            }
            Ok(outcomes)
        })
    }
}
