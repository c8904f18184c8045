//! The authoring workflow, pure: who may move a question version or a bank from one state to
//! another, and what editing does in each state. The server writes a change only if the state
//! it was decided from is still the stored one.
//!
//! DRAFT → IN_REVIEW (the author submits) → APPROVED | REJECTED (QUALITY_ASSURANCE, never the
//! author of what is reviewed; a reason is required to reject) → ARCHIVED. A rejected draft is
//! edited and submitted again. Editing an APPROVED question does not change it: it makes a new
//! version as a draft, so exams built with the approved version keep it. A bank follows the
//! same states; submitting a bank submits its drafts.

use crate::domain::named_enum;
use crate::roles::Role;

/// Longest reason a reviewer may give.
pub const MAX_REASON_CHARS: usize = 2_000;

named_enum!(
    /// Where a question version or a bank stands.
    AuthoringStatus, "authoring status" {
        Draft => "DRAFT",
        InReview => "IN_REVIEW",
        Approved => "APPROVED",
        Rejected => "REJECTED",
        Archived => "ARCHIVED",
    }
);

impl AuthoringStatus {
    pub fn label(self) -> &'static str {
        match self {
            AuthoringStatus::Draft => "Draft",
            AuthoringStatus::InReview => "In review",
            AuthoringStatus::Approved => "Approved",
            AuthoringStatus::Rejected => "Rejected",
            AuthoringStatus::Archived => "Archived",
        }
    }
}

/// Roles that write questions and banks.
pub const AUTHORS: &[Role] = &[Role::ExamAuthor, Role::OrgAdmin];
/// Roles that read banks and their questions (answers included) in their organisation.
pub const BANK_READERS: &[Role] = &[
    Role::ExamAuthor,
    Role::OrgAdmin,
    Role::QualityAssurance,
    Role::ExamCoordinator,
];

/// What a person asks to do.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AuthoringAction {
    Submit,
    Approve,
    Reject { reason: String },
    Archive,
}

/// What editing a question in a given state does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The draft (or rejected draft) is changed in place; a rejected one becomes a draft again.
    InPlace,
    /// A new version is made as a draft; the approved one stays as it is.
    NewVersion,
}

/// Why something is refused, in words the person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("Only an exam author or an organisation admin can do that.")]
    NotAnAuthor,
    #[error("Only quality assurance can approve or reject.")]
    NotQualityAssurance,
    #[error("You wrote this, so someone else in quality assurance must review it.")]
    OwnWork,
    #[error("Give a reason for rejecting it, so the author knows what to change.")]
    ReasonRequired,
    #[error("The reason is too long (at most 2,000 characters).")]
    ReasonTooLong,
    #[error("This is {0}: it cannot be {1}.")]
    WrongState(&'static str, &'static str),
}

/// Who asks.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub user: &'a str,
    /// The actor's roles in the organisation that owns the bank.
    pub roles: &'a [Role],
}

impl Actor<'_> {
    fn holds(&self, any: &[Role]) -> bool {
        self.roles.iter().any(|r| any.contains(r))
    }
}

fn past(action: &AuthoringAction) -> &'static str {
    match action {
        AuthoringAction::Submit => "submitted for review",
        AuthoringAction::Approve => "approved",
        AuthoringAction::Reject { .. } => "rejected",
        AuthoringAction::Archive => "archived",
    }
}

/// The state `action` leads to from `from`, for `actor`, on work written by `author`.
pub fn transition(
    from: AuthoringStatus,
    action: &AuthoringAction,
    actor: Actor,
    author: Option<&str>,
) -> Result<AuthoringStatus, Refusal> {
    use AuthoringStatus as S;
    let wrong = || Refusal::WrongState(from.label(), past(action));
    match action {
        AuthoringAction::Submit => {
            if !actor.holds(AUTHORS) {
                return Err(Refusal::NotAnAuthor);
            }
            match from {
                S::Draft | S::Rejected => Ok(S::InReview),
                _ => Err(wrong()),
            }
        }
        AuthoringAction::Approve | AuthoringAction::Reject { .. } => {
            if !actor.holds(&[Role::QualityAssurance]) {
                return Err(Refusal::NotQualityAssurance);
            }
            if author == Some(actor.user) {
                return Err(Refusal::OwnWork);
            }
            if from != S::InReview {
                return Err(wrong());
            }
            match action {
                AuthoringAction::Reject { reason } => {
                    let reason = reason.trim();
                    if reason.is_empty() {
                        Err(Refusal::ReasonRequired)
                    } else if reason.chars().count() > MAX_REASON_CHARS {
                        Err(Refusal::ReasonTooLong)
                    } else {
                        Ok(S::Rejected)
                    }
                }
                _ => Ok(S::Approved),
            }
        }
        AuthoringAction::Archive => {
            if !actor.holds(AUTHORS) {
                return Err(Refusal::NotAnAuthor);
            }
            match from {
                S::Archived => Err(wrong()),
                _ => Ok(S::Archived),
            }
        }
    }
}

/// What editing does to a question version in `status`, for `actor`.
pub fn edit(status: AuthoringStatus, actor: Actor) -> Result<Edit, Refusal> {
    if !actor.holds(AUTHORS) {
        return Err(Refusal::NotAnAuthor);
    }
    match status {
        AuthoringStatus::Draft | AuthoringStatus::Rejected => Ok(Edit::InPlace),
        AuthoringStatus::Approved => Ok(Edit::NewVersion),
        AuthoringStatus::InReview => Err(Refusal::WrongState("in review", "edited until it is decided")),
        AuthoringStatus::Archived => Err(Refusal::WrongState("archived", "edited")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AuthoringStatus as S;

    const AUTHOR: Actor = Actor {
        user: "ada",
        roles: &[Role::ExamAuthor],
    };
    const QA: Actor = Actor {
        user: "grace",
        roles: &[Role::QualityAssurance],
    };
    const AUTHOR_AND_QA: Actor = Actor {
        user: "ada",
        roles: &[Role::ExamAuthor, Role::QualityAssurance],
    };
    const CANDIDATE: Actor = Actor {
        user: "carl",
        roles: &[Role::Candidate],
    };

    fn reject(reason: &str) -> AuthoringAction {
        AuthoringAction::Reject {
            reason: reason.into(),
        }
    }

    #[test]
    fn an_author_submits_and_someone_else_in_qa_decides() {
        assert_eq!(
            transition(S::Draft, &AuthoringAction::Submit, AUTHOR, Some("ada")),
            Ok(S::InReview)
        );
        assert_eq!(
            transition(S::InReview, &AuthoringAction::Approve, QA, Some("ada")),
            Ok(S::Approved)
        );
        assert_eq!(
            transition(S::InReview, &reject("Two right answers."), QA, Some("ada")),
            Ok(S::Rejected)
        );
        assert_eq!(
            transition(S::Rejected, &AuthoringAction::Submit, AUTHOR, Some("ada")),
            Ok(S::InReview)
        );
        assert_eq!(
            transition(S::Approved, &AuthoringAction::Archive, AUTHOR, Some("ada")),
            Ok(S::Archived)
        );
    }

    #[test]
    fn the_author_never_approves_their_own_work_even_holding_qa() {
        assert_eq!(
            transition(S::InReview, &AuthoringAction::Approve, AUTHOR_AND_QA, Some("ada")),
            Err(Refusal::OwnWork)
        );
        assert_eq!(
            transition(S::InReview, &reject("x"), AUTHOR_AND_QA, Some("ada")),
            Err(Refusal::OwnWork)
        );
        assert_eq!(
            transition(S::InReview, &AuthoringAction::Approve, AUTHOR, Some("bob")),
            Err(Refusal::NotQualityAssurance)
        );
    }

    #[test]
    fn a_rejection_needs_a_reason_of_sensible_length() {
        assert_eq!(
            transition(S::InReview, &reject("   "), QA, Some("ada")),
            Err(Refusal::ReasonRequired)
        );
        assert_eq!(
            transition(S::InReview, &reject(&"x".repeat(2001)), QA, Some("ada")),
            Err(Refusal::ReasonTooLong)
        );
    }

    #[test]
    fn nothing_moves_from_the_wrong_state_or_by_the_wrong_person() {
        assert!(matches!(
            transition(S::Approved, &AuthoringAction::Approve, QA, None),
            Err(Refusal::WrongState(..))
        ));
        assert!(matches!(
            transition(S::InReview, &AuthoringAction::Submit, AUTHOR, None),
            Err(Refusal::WrongState(..))
        ));
        assert!(matches!(
            transition(S::Draft, &AuthoringAction::Approve, QA, None),
            Err(Refusal::WrongState(..))
        ));
        assert!(matches!(
            transition(S::Archived, &AuthoringAction::Archive, AUTHOR, None),
            Err(Refusal::WrongState(..))
        ));
        assert_eq!(
            transition(S::Draft, &AuthoringAction::Submit, CANDIDATE, None),
            Err(Refusal::NotAnAuthor)
        );
        assert_eq!(
            transition(S::Draft, &AuthoringAction::Submit, QA, None),
            Err(Refusal::NotAnAuthor)
        );
    }

    #[test]
    fn editing_an_approved_question_makes_a_new_version() {
        assert_eq!(edit(S::Draft, AUTHOR), Ok(Edit::InPlace));
        assert_eq!(edit(S::Rejected, AUTHOR), Ok(Edit::InPlace));
        assert_eq!(edit(S::Approved, AUTHOR), Ok(Edit::NewVersion));
        assert!(matches!(edit(S::InReview, AUTHOR), Err(Refusal::WrongState(..))));
        assert!(matches!(edit(S::Archived, AUTHOR), Err(Refusal::WrongState(..))));
        assert_eq!(edit(S::Draft, QA), Err(Refusal::NotAnAuthor));
    }
}
