//! Outgoing mail. Every message is queued in the `outbox` table (in the transaction that
//! caused it) and written to the server log, so an invitation link is usable even where no mail
//! server is reachable. With `VIGIL_SMTP_URL` set, a background job also delivers the queue
//! over SMTP, retrying failures a few times.

use super::db;
use super::jobs::{self, Node};
use super::now_ms;
use crate::format::datetime;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use shared::schedule::Accommodation;
use sqlx::AnyPool;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// Delivery attempts before a message is left for a person to look at.
const MAX_ATTEMPTS: i64 = 5;
const POLL: Duration = Duration::from_secs(5);

pub struct Composed {
    pub subject: String,
    pub body: String,
}

pub struct InvitationMail<'a> {
    pub exam_title: &'a str,
    pub organization: &'a str,
    pub inviter: &'a str,
    pub opens_at: i64,
    pub closes_at: i64,
    pub duration_minutes: i64,
    pub accommodation: Accommodation,
    pub link: &'a str,
    pub expires_at: i64,
}

pub fn invitation(m: &InvitationMail<'_>) -> Composed {
    let extra = m
        .accommodation
        .describe()
        .map(|d| format!(" ({d} granted to you)"))
        .unwrap_or_default();
    Composed {
        subject: format!("Invitation: {} ({})", m.exam_title, m.organization),
        body: format!(
            "Hello,\n\n{inviter} has invited you to take the exam \"{title}\" at {org}.\n\n\
             Window: {opens} to {closes}\nDuration: {minutes} minutes{extra}\n\n\
             Accept the invitation here:\n{link}\n\n\
             The link works once and expires on {expires}. If you did not expect this message, \
             you can ignore it.\n",
            inviter = m.inviter,
            title = m.exam_title,
            org = m.organization,
            opens = datetime(m.opens_at),
            closes = datetime(m.closes_at),
            minutes = m.duration_minutes,
            link = m.link,
            expires = datetime(m.expires_at),
        ),
    }
}

pub struct StaffInvitationMail<'a> {
    pub organization: &'a str,
    pub inviter: &'a str,
    pub roles: &'a [shared::Role],
    pub link: &'a str,
    pub expires_at: i64,
}

pub fn staff_invitation(m: &StaffInvitationMail<'_>) -> Composed {
    let roles = m.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ");
    Composed {
        subject: format!("You are invited to join {} on Vigil", m.organization),
        body: format!(
            "Hello,\n\n{inviter} has invited you to join {org} on Vigil as: {roles}.\n\n\
             Accept the invitation here:\n{link}\n\n\
             The link works once and expires on {expires}. If you did not expect this message, \
             you can ignore it: nothing happens until the link is used.\n",
            inviter = m.inviter,
            org = m.organization,
            link = m.link,
            expires = datetime(m.expires_at),
        ),
    }
}

/// Notes a queued message in the log. Without a mail server the log is the delivery of last
/// resort, so it carries the whole message; with one, the body (an invitation's link is a
/// credential) stays out of the log.
pub fn log_queued(mailer: &Mailer, to: &str, message: &Composed) {
    if mailer.delivers {
        tracing::info!(to = %to, subject = %message.subject, "mail queued in the outbox");
    } else {
        tracing::info!(to = %to, subject = %message.subject, body = %message.body, "mail queued in the outbox");
    }
}

/// Where and how to send mail.
#[derive(Clone, Default)]
pub struct MailSettings {
    /// `smtp://[user:password@]host[:port]`; `None` keeps mail in the outbox and the log.
    pub smtp_url: Option<String>,
    pub from: String,
}

/// Shown in logs: the SMTP password replaced.
impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("smtp_url", &self.smtp_url.as_deref().map(super::redact_url))
            .field("from", &self.from)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("VIGIL_SMTP_URL must look like smtp://[user:password@]host[:port], got {0:?}")]
    Url(String),
    #[error("VIGIL_MAIL_FROM is not a valid mailbox: {0}")]
    From(String),
}

/// Wakes the delivery job when something was queued.
#[derive(Debug, Clone, Default)]
pub struct Mailer {
    wake: Arc<Notify>,
    /// Whether an SMTP server is configured (and the delivery job running).
    delivers: bool,
}

impl Mailer {
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Starts delivery when SMTP is configured; checks the settings either way.
    pub fn start(pool: AnyPool, settings: &MailSettings, node: Node) -> Result<Mailer, MailError> {
        let Some(url) = &settings.smtp_url else {
            return Ok(Mailer::default());
        };
        let mailer = Mailer {
            delivers: true,
            ..Mailer::default()
        };
        let transport = transport(url)?;
        let from: lettre::message::Mailbox = settings
            .from
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::From(e.to_string()))?;
        let wake = mailer.wake.clone();
        tokio::spawn(async move {
            loop {
                // One node delivers at a time, so no message goes out twice.
                if jobs::may_run(&pool, "mail", &node, jobs::lease_for(POLL)).await {
                    deliver_queue(&pool, &transport, &from).await;
                }
                let _ = tokio::time::timeout(POLL, wake.notified()).await;
            }
        });
        Ok(mailer)
    }
}

fn transport(url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
    let bad = || MailError::Url(super::redact_url(url));
    let rest = url.strip_prefix("smtp://").ok_or_else(bad)?;
    let rest = rest.trim_end_matches('/');
    let (credentials, host_port) = match rest.rsplit_once('@') {
        Some((creds, hp)) => {
            let (user, pass) = creds.split_once(':').ok_or_else(bad)?;
            (Some(Credentials::new(user.to_string(), pass.to_string())), hp)
        }
        None => (None, rest),
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().map_err(|_| bad())?),
        None => (host_port, 25),
    };
    if host.is_empty() {
        return Err(bad());
    }
    // Plain SMTP to a relay the operator runs (localhost, or a host on a private network):
    // that relay does TLS onwards. Keeps a TLS stack out of the server.
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .timeout(Some(Duration::from_secs(20)));
    if let Some(c) = credentials {
        builder = builder.credentials(c);
    }
    Ok(builder.build())
}

async fn deliver_queue(
    pool: &AnyPool,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &lettre::message::Mailbox,
) {
    let batch = match db::outbox::unsent(pool, MAX_ATTEMPTS, 50).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the outbox");
            return;
        }
    };
    for row in batch {
        let result = match build(&row, from) {
            Ok(message) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        let saved = match &result {
            Ok(()) => db::outbox::mark_sent(pool, &row.id, now_ms()).await,
            Err(e) => {
                tracing::warn!(to = %row.to_email, attempt = row.attempts + 1, error = %e, "mail delivery failed");
                db::outbox::mark_failed(pool, &row.id, e).await
            }
        };
        if let Err(e) = saved {
            tracing::warn!(error = %e, "cannot record a delivery in the outbox");
        }
        if result.is_ok() {
            tracing::info!(to = %row.to_email, subject = %row.subject, "mail delivered");
        }
    }
}

fn build(row: &db::outbox::OutboxRow, from: &lettre::message::Mailbox) -> Result<Message, String> {
    let to: lettre::message::Mailbox = row
        .to_email
        .parse()
        .map_err(|e: lettre::address::AddressError| e.to_string())?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(row.subject.clone())
        .body(row.body.clone())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_are_read_or_refused() {
        assert!(transport("smtp://localhost").is_ok());
        assert!(transport("smtp://user:secret@mail.internal:2525").is_ok());
        for bad in ["localhost:25", "smtp://", "smtp://host:notaport", "http://host"] {
            assert!(transport(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn the_invitation_names_the_exam_the_link_and_the_expiry() {
        let m = invitation(&InvitationMail {
            exam_title: "Networking",
            organization: "Demo University",
            inviter: "Emil",
            opens_at: 0,
            closes_at: 3_600_000,
            duration_minutes: 45,
            accommodation: Accommodation::new(50, 0).unwrap(),
            link: "http://127.0.0.1:3000/invitations/abc",
            expires_at: 3_600_000,
        });
        assert!(m.subject.contains("Networking"));
        assert!(m.body.contains("http://127.0.0.1:3000/invitations/abc"));
        assert!(m.body.contains("+50% time"));
        assert!(m.body.contains("1970-01-01 01:00 UTC"));
    }
}
