//! Candidates' telemetry sockets, each waiting to hear about its own attempt and its own
//! sign-in. An announcement rings only the sockets it concerns: when every socket listened to
//! one broadcast, each announcement woke (and copied itself into) every socket on the node, so
//! a reviewer's notice woke every candidate, and N attempts ending at a deadline cost N × N
//! wake-ups and overflowed the broadcast, which sent every socket to the database to check.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::Notify;

const ATTEMPT_ENDED: u8 = 1;
const SIGN_IN_ENDED: u8 = 2;

/// What a socket checks after its bell rang.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Its attempt ended.
    AttemptEnded,
    /// Some of its person's sign-in sessions ended: is its own still valid?
    SignIn,
    /// Announcements may have been missed (the node lost its database connection): check both.
    Both,
}

/// One socket's bell: what it was rung for since it last looked, and the wake-up.
#[derive(Default)]
struct Bell {
    rung_for: AtomicU8,
    notify: Notify,
}

impl Bell {
    fn ring(&self, why: u8) {
        self.rung_for.fetch_or(why, Ordering::AcqRel);
        // Stores a permit when the socket is busy storing a batch, so no ring is lost.
        self.notify.notify_one();
    }
}

type Bells = Vec<(u64, Arc<Bell>)>;

#[derive(Default)]
struct Registry {
    next_id: u64,
    by_attempt: HashMap<String, Bells>,
    by_person: HashMap<String, Bells>,
}

/// The node's sockets, by the attempt they stream and the person signed in.
#[derive(Clone, Default)]
pub struct Doorbells(Arc<Mutex<Registry>>);

impl Doorbells {
    fn registry(&self) -> MutexGuard<'_, Registry> {
        // Nothing in the registry is left half-changed by a panic: every change is one push or
        // one retain.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A bell for the socket streaming `session_id` for `user_id`, until the returned watch is
    /// dropped.
    pub fn watch(&self, session_id: &str, user_id: &str) -> Watch {
        let bell = Arc::new(Bell::default());
        let mut guard = self.registry();
        let registry = &mut *guard;
        let id = registry.next_id;
        registry.next_id = registry.next_id.wrapping_add(1);
        for (map, key) in [
            (&mut registry.by_attempt, session_id),
            (&mut registry.by_person, user_id),
        ] {
            map.entry(key.to_string())
                .or_default()
                .push((id, Arc::clone(&bell)));
        }
        Watch {
            doorbells: self.clone(),
            id,
            session_id: session_id.to_string(),
            user_id: user_id.to_string(),
            bell,
        }
    }

    pub(super) fn attempt_ended(&self, session_id: &str) {
        if let Some(bells) = self.registry().by_attempt.get(session_id) {
            bells.iter().for_each(|(_, b)| b.ring(ATTEMPT_ENDED));
        }
    }

    pub(super) fn sign_in_ended(&self, user_id: &str) {
        if let Some(bells) = self.registry().by_person.get(user_id) {
            bells.iter().for_each(|(_, b)| b.ring(SIGN_IN_ENDED));
        }
    }

    /// Rings every socket to check both: announcements may have been missed.
    pub(super) fn ring_all(&self) {
        for bells in self.registry().by_attempt.values() {
            bells
                .iter()
                .for_each(|(_, b)| b.ring(ATTEMPT_ENDED | SIGN_IN_ENDED));
        }
    }

    /// How many sockets are listening.
    pub fn listening(&self) -> usize {
        self.registry().by_attempt.values().map(Vec::len).sum()
    }
}

impl std::fmt::Debug for Doorbells {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Doorbells")
            .field("listening", &self.listening())
            .finish()
    }
}

/// A socket's place in the registry; leaving it (on drop) takes the bell out.
pub struct Watch {
    doorbells: Doorbells,
    id: u64,
    session_id: String,
    user_id: String,
    bell: Arc<Bell>,
}

impl Watch {
    /// Waits until an announcement concerns this socket, and says what to check (rings since
    /// the last call are merged into one check). Cancel-safe: a ring that arrives while the
    /// caller is elsewhere is kept for the next call.
    pub async fn heard(&self) -> Check {
        loop {
            self.bell.notify.notified().await;
            match self.bell.rung_for.swap(0, Ordering::AcqRel) {
                0 => continue,
                ATTEMPT_ENDED => return Check::AttemptEnded,
                SIGN_IN_ENDED => return Check::SignIn,
                _ => return Check::Both,
            }
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let mut guard = self.doorbells.registry();
        let registry = &mut *guard;
        let id = self.id;
        for (map, key) in [
            (&mut registry.by_attempt, &self.session_id),
            (&mut registry.by_person, &self.user_id),
        ] {
            if let Some(bells) = map.get_mut(key.as_str()) {
                bells.retain(|(other, _)| *other != id);
                if bells.is_empty() {
                    map.remove(key.as_str());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    async fn heard_soon(watch: &Watch) -> Option<Check> {
        tokio::time::timeout(Duration::from_millis(50), watch.heard())
            .await
            .ok()
    }

    #[tokio::test]
    async fn a_socket_hears_only_what_concerns_it() {
        let bells = Doorbells::default();
        let mine = bells.watch("attempt-1", "ada");
        let other_attempt = bells.watch("attempt-2", "ada");
        let someone_else = bells.watch("attempt-3", "bob");

        bells.attempt_ended("attempt-1");
        assert_eq!(heard_soon(&mine).await, Some(Check::AttemptEnded));
        assert_eq!(heard_soon(&other_attempt).await, None);
        assert_eq!(heard_soon(&someone_else).await, None);

        bells.sign_in_ended("ada");
        assert_eq!(heard_soon(&mine).await, Some(Check::SignIn));
        assert_eq!(heard_soon(&other_attempt).await, Some(Check::SignIn));
        assert_eq!(heard_soon(&someone_else).await, None);

        bells.ring_all();
        for watch in [&mine, &other_attempt, &someone_else] {
            assert_eq!(heard_soon(watch).await, Some(Check::Both));
        }
    }

    #[tokio::test]
    async fn rings_while_busy_are_kept_and_merged() {
        let bells = Doorbells::default();
        let watch = bells.watch("attempt-1", "ada");
        // Nobody is waiting yet (the socket is storing a batch): both rings must still count.
        bells.attempt_ended("attempt-1");
        bells.sign_in_ended("ada");
        assert_eq!(heard_soon(&watch).await, Some(Check::Both));
        assert_eq!(heard_soon(&watch).await, None, "one check for both rings");
    }

    #[tokio::test]
    async fn a_closed_socket_leaves_the_registry() {
        let bells = Doorbells::default();
        let first = bells.watch("attempt-1", "ada");
        let second = bells.watch("attempt-1", "ada");
        assert_eq!(bells.listening(), 2);
        drop(first);
        assert_eq!(bells.listening(), 1);
        bells.attempt_ended("attempt-1");
        assert_eq!(heard_soon(&second).await, Some(Check::AttemptEnded));
        drop(second);
        assert_eq!(bells.listening(), 0);
        assert!(
            bells.registry().by_person.is_empty(),
            "no empty entries are left behind"
        );
    }
}
