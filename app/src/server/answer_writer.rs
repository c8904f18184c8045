//! Answer saves share commits (`shared_commits`). Each save is still its own conditional write
//! (the attempt must be open, and an older version never replaces a newer one) and is
//! acknowledged only once committed. At 5,000 candidates saving every 10 s that is 500 saves a
//! second, which one at a time took SQLite's one write lock 500 times a second.

use super::attempts::closed_reason;
use super::db;
use super::shared_commits::{SharedCommits, Stored, Write};
use crate::error::AppError;
use std::collections::HashMap;

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

    /// The batch's first statement takes its sessions' rows, so a save racing a submission (the
    /// candidate's or the deadline job's) either lands before it is graded or is refused. Two
    /// statements for the whole batch, not two a save: on SQLite each is a round trip made
    /// while every other writer waits for the lock.
    fn store<'a>(tx: &'a mut db::WriteTx, saves: &'a [&'a Self]) -> Stored<'a, ()> {
        Box::pin(async move {
            let mut ids: Vec<&str> = saves.iter().map(|s| s.session_id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            let earliest = saves.iter().map(|s| s.now).min().unwrap_or(0);
            let open = db::exam_sessions::lock_open_for_saves(tx, &ids, earliest).await?;
            let open: HashMap<&str, &db::exam_sessions::OpenForSave> =
                open.iter().map(|o| (o.id.as_str(), o)).collect();
            let mut outcomes = Vec::with_capacity(saves.len());
            // Per question, the save with the highest version (the first of equals), as one
            // after another they would have left it.
            let mut rows: Vec<db::answers::NewAnswer> = Vec::with_capacity(saves.len());
            let mut row_of: HashMap<(&str, &str), usize> = HashMap::with_capacity(saves.len());
            for s in saves {
                let taken = open
                    .get(s.session_id.as_str())
                    .is_some_and(|o| o.user_id == s.user_id && s.now <= o.deadline_at);
                if !taken {
                    outcomes.push(Err(AppError::Conflict(
                        closed_reason(s.now, s.deadline_at).into(),
                    )));
                    continue;
                }
                let row = db::answers::NewAnswer {
                    session_id: &s.session_id,
                    question_id: &s.question_id,
                    value_json: &s.value,
                    version: s.version,
                    now: s.now,
                };
                match row_of.get(&(row.session_id, row.question_id)) {
                    Some(&i) if rows[i].version < row.version => rows[i] = row,
                    Some(_) => {}
                    None => {
                        row_of.insert((row.session_id, row.question_id), rows.len());
                        rows.push(row);
                    }
                }
                outcomes.push(Ok(()));
            }
            db::answers::upsert_many(tx, &rows).await?;
            Ok(outcomes)
        })
    }
}
