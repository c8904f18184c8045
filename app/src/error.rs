//! The app's one error type. It crosses the wire from server functions to the page, so every
//! variant carries a message a person can act on; internal details stay in the server log.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("You do not have access to this.")]
    Forbidden,
    /// Refused for a reason the person should read (e.g. "the first reviewer cannot make the
    /// second review").
    #[error("{0}")]
    NotAllowed(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    /// Bad input named field by field, so a form can show each message beside its field.
    #[error("{}", join_fields(.0))]
    InvalidFields(Vec<shared::question::FieldError>),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    #[error("Could not reach the server. Check your connection and try again.")]
    Unreachable,
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden | AppError::NotAllowed(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::Invalid(_) | AppError::InvalidFields(_) => 400,
            AppError::Conflict(_) => 409,
            AppError::TooManyRequests(_) => 429,
            AppError::Internal => 500,
            AppError::Unreachable => 503,
        }
    }
}

fn join_fields(fields: &[shared::question::FieldError]) -> String {
    fields
        .iter()
        .map(|f| f.message.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// On the wire an error is `{"error": "Forbidden", "message": "You do not have access to this."}`:
/// a stable kind for programs and the sentence a person reads (and, for bad fields, `fields`:
/// each field's name and message).
#[derive(Serialize, Deserialize)]
struct Wire {
    error: String,
    message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    fields: Vec<shared::question::FieldError>,
}

impl AppError {
    fn kind(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "Unauthenticated",
            AppError::Forbidden => "Forbidden",
            AppError::NotAllowed(_) => "NotAllowed",
            AppError::NotFound(_) => "NotFound",
            AppError::Invalid(_) => "Invalid",
            AppError::InvalidFields(_) => "InvalidFields",
            AppError::Conflict(_) => "Conflict",
            AppError::TooManyRequests(_) => "TooManyRequests",
            AppError::Internal => "Internal",
            AppError::Unreachable => "Unreachable",
        }
    }
}

impl Serialize for AppError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Wire {
            error: self.kind().to_string(),
            message: self.to_string(),
            fields: match self {
                AppError::InvalidFields(fields) => fields.clone(),
                _ => Vec::new(),
            },
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for AppError {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Wire {
            error,
            message,
            fields,
        } = Wire::deserialize(d)?;
        Ok(match error.as_str() {
            "Unauthenticated" => AppError::Unauthenticated,
            "Forbidden" => AppError::Forbidden,
            "NotAllowed" => AppError::NotAllowed(message),
            "NotFound" => AppError::NotFound(message),
            "Invalid" => AppError::Invalid(message),
            "InvalidFields" => AppError::InvalidFields(fields),
            "Conflict" => AppError::Conflict(message),
            "TooManyRequests" => AppError::TooManyRequests(message),
            "Unreachable" => AppError::Unreachable,
            _ => AppError::Internal,
        })
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let error = match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) => {
                AppError::Invalid(format!("The request was malformed: {m}"))
            }
            // On the server this means the arguments did not decode; in the browser, the reply.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(m) => {
                AppError::Invalid(format!("The request was malformed: {m}"))
            }
            ServerFnErrorErr::Request(_) => AppError::Unreachable,
            _ => AppError::Internal,
        };
        // Arguments that fail to decode never reach the function body, so the status that
        // says "your request was bad" is set here, where the server turns them into an error.
        #[cfg(feature = "ssr")]
        if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = http::StatusCode::from_u16(error.status()) {
                opts.set_status(status);
            }
        }
        error
    }
}

/// A review refused by the workflow's rules, with the status that says why.
impl From<shared::review::Refusal> for AppError {
    fn from(r: shared::review::Refusal) -> Self {
        use shared::review::Refusal as R;
        let message = r.to_string();
        match r {
            R::NotReviewer | R::NotQualityAssurance | R::CannotReopen | R::SameReviewer => {
                AppError::NotAllowed(message)
            }
            R::ClaimedByOther | R::NotClaimed | R::WrongState { .. } => AppError::Conflict(message),
            R::NotAnOutcome(_) | R::NoteRequired | R::NoteTooLong => AppError::Invalid(message),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_round_trip_with_their_message() {
        for e in [
            AppError::Forbidden,
            AppError::Invalid("Bad date.".into()),
            AppError::InvalidFields(vec![shared::question::FieldError {
                field: "stem".into(),
                message: "Write the question's text.".into(),
            }]),
            AppError::Internal,
        ] {
            let json = serde_json::to_value(&e).unwrap();
            assert_eq!(json["message"], e.to_string());
            assert_eq!(serde_json::from_value::<AppError>(json).unwrap(), e);
        }
    }
}
