//! A person's own account, as the account page shows it.

use serde::{Deserialize, Serialize};

/// One of the person's signed-in sessions (a browser on a device).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MySession {
    pub id: String,
    pub started_at: i64,
    pub last_used_at: i64,
    pub address: Option<String>,
    /// The browser and system, read from its user agent ("Chrome on Linux").
    pub device: String,
    /// The session this page was loaded in.
    pub current: bool,
}

/// Whether the person signs in with a second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorStatus {
    pub enabled: bool,
    pub recovery_codes_left: i64,
    /// An organisation where they are staff asks for it.
    pub required: bool,
}

/// A new secret to put in an authenticator app: scanned, or typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorSetup {
    pub secret: String,
    /// The `otpauth://` address as a QR code, an SVG drawn on the server.
    pub qr_svg: String,
}

/// Where a person's request to delete their account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeletionRequest {
    None,
    /// Asked; an admin of their organisation confirms.
    Waiting {
        requested_at: i64,
    },
    /// Done (they belonged to no organisation): the account no longer exists.
    Deleted,
}

/// A short name for a browser from its user agent string.
pub fn describe_device(user_agent: Option<&str>) -> String {
    let Some(ua) = user_agent.filter(|u| !u.trim().is_empty()) else {
        return "Unknown browser".to_string();
    };
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(mark, _)| ua.contains(mark))
    .map(|(_, name)| *name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(mark, _)| ua.contains(mark))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} on {s}"),
        (Some(b), None) => b.to_string(),
        (None, Some(s)) => format!("A browser on {s}"),
        (None, None) => "Another program".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::describe_device;

    #[test]
    fn devices_are_named_plainly() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
        assert_eq!(describe_device(Some(chrome)), "Chrome on Linux");
        let edge =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36 Edg/120";
        assert_eq!(describe_device(Some(edge)), "Edge on Windows");
        assert_eq!(describe_device(Some("curl/8.0")), "Another program");
        assert_eq!(describe_device(None), "Unknown browser");
    }
}

/// One of the person's passkeys, as their account page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeySummary {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// The first half of a passkey ceremony: the options for the browser (WebAuthn's JSON form,
/// given to `PublicKeyCredential.parse…OptionsFromJSON`) and the id its answer goes back with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyCeremony {
    pub ceremony: String,
    pub options: String,
}
