//! Lifecycle states and classifications, stored as their SCREAMING_SNAKE names.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind}: {value:?}")]
pub struct ParseEnumError {
    pub kind: &'static str,
    pub value: String,
}

/// Declares a closed set of names with one spelling used in the database, JSON and the UI.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident, $kind:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::ParseEnumError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::domain::ParseEnumError { kind: $kind, value: s.to_string() }),
                }
            }
        }
    };
}
pub(crate) use named_enum;

named_enum!(
    /// DRAFT → SCHEDULED → ACTIVE → COMPLETED, or CANCELLED / ARCHIVED.
    ExamStatus, "exam status" {
        Draft => "DRAFT",
        Scheduled => "SCHEDULED",
        Active => "ACTIVE",
        Completed => "COMPLETED",
        Cancelled => "CANCELLED",
        Archived => "ARCHIVED",
    }
);

named_enum!(
    /// INVITED → ACCEPTED → IN_PROGRESS → COMPLETED. A candidate may start only once accepted.
    EnrollmentStatus, "enrollment status" {
        Invited => "INVITED",
        Accepted => "ACCEPTED",
        InProgress => "IN_PROGRESS",
        Completed => "COMPLETED",
    }
);

impl EnrollmentStatus {
    /// What a candidate or a manager reads for this status.
    pub fn label(self) -> &'static str {
        match self {
            EnrollmentStatus::Invited => "Invited",
            EnrollmentStatus::Accepted => "Accepted",
            EnrollmentStatus::InProgress => "In progress",
            EnrollmentStatus::Completed => "Completed",
        }
    }
}

named_enum!(
    /// An attempt's delivery: NOT_STARTED → IN_PROGRESS → COMPLETED. Its review outcome is a
    /// separate state machine ([`crate::review::ReviewState`]) that only people move.
    SessionStatus, "session status" {
        NotStarted => "NOT_STARTED",
        InProgress => "IN_PROGRESS",
        Completed => "COMPLETED",
    }
);

named_enum!(
    /// How eagerly rules raise flags for an exam.
    Sensitivity, "sensitivity" {
        Low => "LOW",
        Medium => "MEDIUM",
        High => "HIGH",
    }
);

named_enum!(
    Severity, "severity" {
        Low => "LOW",
        Medium => "MEDIUM",
        High => "HIGH",
    }
);

named_enum!(
    FlagType, "flag type" {
        TabSwitch => "TAB_SWITCH",
        WindowBlur => "WINDOW_BLUR",
        CopyPaste => "COPY_PASTE",
        FullscreenExit => "FULLSCREEN_EXIT",
        ScreenshotAttempt => "SCREENSHOT_ATTEMPT",
        DevtoolsOpen => "DEVTOOLS_OPEN",
        MultipleScreens => "MULTIPLE_SCREENS",
        TelemetryGap => "TELEMETRY_GAP",
        NetworkOffline => "NETWORK_OFFLINE",
        SuspiciousActivity => "SUSPICIOUS_ACTIVITY",
        NoFaceDetected => "NO_FACE_DETECTED",
        MultipleFaces => "MULTIPLE_FACES",
        CameraUnavailable => "CAMERA_UNAVAILABLE",
        LookingAway => "LOOKING_AWAY",
        PhoneDetected => "PHONE_DETECTED",
        Other => "OTHER",
    }
);

impl Severity {
    /// Weight of one open flag in a session's risk score.
    pub fn weight(self) -> i64 {
        match self {
            Severity::Low => 1,
            Severity::Medium => 3,
            Severity::High => 7,
        }
    }
}

impl FlagType {
    /// A sentence a reviewer reads next to the flag.
    pub fn describe(self) -> &'static str {
        match self {
            FlagType::TabSwitch => "The exam page was hidden (another tab or window was shown).",
            FlagType::WindowBlur => "The exam window lost focus.",
            FlagType::CopyPaste => "Text was copied, cut or pasted.",
            FlagType::FullscreenExit => "The candidate left fullscreen.",
            FlagType::ScreenshotAttempt => "A screenshot shortcut was pressed.",
            FlagType::DevtoolsOpen => "Developer tools appear to be open.",
            FlagType::MultipleScreens => "More than one screen is attached.",
            FlagType::TelemetryGap => "The browser stopped reporting for a while.",
            FlagType::NetworkOffline => "The browser went offline.",
            FlagType::SuspiciousActivity => "Unusual activity.",
            FlagType::NoFaceDetected => "No face was detected.",
            FlagType::MultipleFaces => "More than one face was detected.",
            FlagType::CameraUnavailable => "The camera was refused, missing, or stopped during the exam.",
            FlagType::LookingAway => "The candidate looked away.",
            FlagType::PhoneDetected => "A phone was detected.",
            FlagType::Other => "Other.",
        }
    }
}

/// Risk of a session from its open flags: the sum of their weights, capped at 100.
pub fn risk_score(open: impl IntoIterator<Item = Severity>) -> i64 {
    open.into_iter().map(Severity::weight).sum::<i64>().min(100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_text_and_json() {
        for s in SessionStatus::ALL {
            assert_eq!(s.as_str().parse::<SessionStatus>(), Ok(*s));
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        for f in FlagType::ALL {
            assert_eq!(f.as_str().parse::<FlagType>(), Ok(*f));
        }
        assert!("tab_switch".parse::<FlagType>().is_err());
    }

    #[test]
    fn risk_grows_with_severity_and_is_capped() {
        assert_eq!(risk_score([]), 0);
        assert_eq!(risk_score([Severity::Low, Severity::High]), 8);
        assert_eq!(risk_score(std::iter::repeat_n(Severity::High, 50)), 100);
    }
}
