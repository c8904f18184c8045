//! A node that has been told to stop (SIGTERM) ends its long-lived streams so that it can exit
//! without cutting a write in half: each telemetry socket finishes the batch it is storing,
//! acknowledges it and closes with 1012 ("service restart"), which the page answers by
//! reconnecting, to another node behind the proxy; review streams end and the page
//! reconnects. The process closes its database pool only after every stream has let go.

use std::time::Duration;
use tokio::sync::watch;

/// Shared by every stream on this node; cloning shares the same signal.
#[derive(Clone, Debug)]
pub struct Stopping(watch::Sender<bool>);

impl Default for Stopping {
    fn default() -> Self {
        Self::new()
    }
}

impl Stopping {
    pub fn new() -> Stopping {
        Stopping(watch::Sender::new(false))
    }

    /// Tells every stream holding a [`Listener`] to finish.
    pub fn begin(&self) {
        self.0.send_replace(true);
    }

    /// Held by a stream for as long as it is open; the node waits for all of them.
    pub fn listener(&self) -> Listener {
        Listener(self.0.subscribe())
    }

    /// Waits until every stream has dropped its listener, or `limit` has passed; says whether
    /// all of them did.
    pub async fn drained(&self, limit: Duration) -> bool {
        tokio::time::timeout(limit, self.0.closed()).await.is_ok()
    }
}

/// One stream's view of the signal.
#[derive(Debug)]
pub struct Listener(watch::Receiver<bool>);

impl Listener {
    /// Resolves once the node is stopping (at once if it already is).
    pub async fn stopping(&mut self) {
        // An error means the sender is gone, which happens only as the process ends.
        let _ = self.0.wait_for(|stopping| *stopping).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn listeners_hear_the_signal_and_the_node_waits_for_them() {
        let stopping = Stopping::new();
        assert!(stopping.drained(Duration::from_millis(1)).await, "no stream open");
        let mut listener = stopping.listener();
        assert!(
            !stopping.drained(Duration::from_millis(20)).await,
            "a stream is open"
        );
        let heard = tokio::spawn(async move {
            listener.stopping().await;
        });
        stopping.begin();
        heard.await.unwrap();
        assert!(
            stopping.drained(Duration::from_secs(1)).await,
            "the stream let go"
        );
        // A stream opened after the signal hears it at once.
        let mut late = stopping.listener();
        tokio::time::timeout(Duration::from_secs(1), late.stopping())
            .await
            .expect("told at once");
    }
}
