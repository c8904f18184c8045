//! The review workflow, pure: which person may move a session's review outcome or a flag from
//! one state to another. Rules only raise flags; every state here is set by a person, and the
//! server writes a change only if the state it was decided from is still the stored one.
//!
//! Session outcome: NOT_REVIEWED → IN_REVIEW (claimed by one reviewer) → CLEAN |
//! MINOR_VIOLATION | SUSPICIOUS; SUSPICIOUS → second review by QUALITY_ASSURANCE (never the
//! first reviewer) → VERIFIED | REJECTED. QA or an ORG_ADMIN may reopen a decided session.
//! Flags: OPEN → CONFIRMED | DISMISSED.

use crate::domain::named_enum;
use crate::roles::Role;

/// A claim no one has touched for this long lapses, and another reviewer may take the session.
pub const CLAIM_IDLE_MS: i64 = 30 * 60 * 1000;
/// Longest note a reviewer may write.
pub const MAX_NOTE_CHARS: usize = 2_000;

named_enum!(
    /// Where a session stands in review. Set by people only.
    ReviewState, "review state" {
        NotReviewed => "NOT_REVIEWED",
        InReview => "IN_REVIEW",
        Clean => "CLEAN",
        MinorViolation => "MINOR_VIOLATION",
        Suspicious => "SUSPICIOUS",
        Verified => "VERIFIED",
        Rejected => "REJECTED",
    }
);

named_enum!(
    /// A flag's own small state machine.
    FlagStatus, "flag status" {
        Open => "OPEN",
        Confirmed => "CONFIRMED",
        Dismissed => "DISMISSED",
    }
);

impl ReviewState {
    /// What a reviewer reads for this state.
    pub fn label(self) -> &'static str {
        match self {
            ReviewState::NotReviewed => "Not reviewed",
            ReviewState::InReview => "In review",
            ReviewState::Clean => "Clean",
            ReviewState::MinorViolation => "Minor violation",
            ReviewState::Suspicious => "Suspicious: awaiting second review",
            ReviewState::Verified => "Verified: no misconduct",
            ReviewState::Rejected => "Rejected: misconduct confirmed",
        }
    }

    /// Decided by the first review or the second one.
    pub fn is_decided(self) -> bool {
        !matches!(self, ReviewState::NotReviewed | ReviewState::InReview)
    }

    /// Whether the candidate may see a withheld score: a person has decided and no second
    /// review is pending.
    pub fn releases_results(self) -> bool {
        self.is_decided() && self != ReviewState::Suspicious
    }

    /// What the candidate reads about their attempt: plain words, never a reviewer's note.
    pub fn for_candidate(self, has_flags: bool) -> &'static str {
        match self {
            ReviewState::NotReviewed if !has_flags => {
                "Nothing in this attempt was flagged for review."
            }
            ReviewState::NotReviewed | ReviewState::InReview => {
                "Your attempt is awaiting review by a person."
            }
            ReviewState::Clean | ReviewState::Verified => "Your attempt was reviewed and cleared.",
            ReviewState::MinorViolation => {
                "Your attempt was reviewed: a minor irregularity was noted."
            }
            ReviewState::Suspicious => "Your attempt is under further review.",
            ReviewState::Rejected => {
                "Your attempt was reviewed and found to break the exam's rules. Contact the exam's organisers to appeal."
            }
        }
    }
}

impl FlagStatus {
    /// Dismissed flags leave the risk score; open and confirmed ones count.
    pub fn counts_for_risk(self) -> bool {
        self != FlagStatus::Dismissed
    }
}

/// What a person asks to do to a session's review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ReviewAction {
    Claim,
    Release,
    /// First review: CLEAN, MINOR_VIOLATION or SUSPICIOUS.
    Decide(ReviewState),
    /// Second review of a SUSPICIOUS session: VERIFIED or REJECTED.
    SecondReview(ReviewState),
    Reopen,
}

/// Who asks, and what the stored session says about claims and earlier reviews.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context<'a> {
    pub actor: &'a str,
    /// The actor's roles in the organisation that owns the session.
    pub roles: &'a [Role],
    /// Who holds the claim, if the claim has not lapsed.
    pub claimed_by: Option<&'a str>,
    /// Who made the first decision, if any.
    pub first_reviewer: Option<&'a str>,
}

/// Why a change is refused, in words the person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("Only a proctor reviewer of this organisation can do that.")]
    NotReviewer,
    #[error("Only quality assurance can make the second review.")]
    NotQualityAssurance,
    #[error("Only quality assurance or an organisation admin can reopen a decided session.")]
    CannotReopen,
    #[error("The first reviewer of a session cannot make its second review.")]
    SameReviewer,
    #[error("This session is claimed by another reviewer.")]
    ClaimedByOther,
    #[error("Claim the session before deciding.")]
    NotClaimed,
    #[error("A session in state {from} cannot be moved that way.")]
    WrongState { from: ReviewState },
    #[error("{0} is not an outcome of that review.")]
    NotAnOutcome(ReviewState),
    #[error("Write a note saying why.")]
    NoteRequired,
    #[error("A note may hold at most {MAX_NOTE_CHARS} characters.")]
    NoteTooLong,
}

fn holds(roles: &[Role], wanted: &[Role]) -> bool {
    crate::roles::permits(roles, wanted)
}

const FIRST_REVIEWERS: &[Role] = &[Role::ProctorReviewer];
const SECOND_REVIEWERS: &[Role] = &[Role::QualityAssurance];
const REOPENERS: &[Role] = &[Role::QualityAssurance, Role::OrgAdmin];

/// Checks a note's length; `required` notes must say something.
pub fn check_note(note: &str, required: bool) -> Result<(), Refusal> {
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(Refusal::NoteTooLong);
    }
    if required && note.trim().is_empty() {
        return Err(Refusal::NoteRequired);
    }
    Ok(())
}

/// The state `action` leads to from `from`, or why it may not happen.
pub fn transition(
    from: ReviewState,
    action: ReviewAction,
    ctx: &Context<'_>,
    note: &str,
) -> Result<ReviewState, Refusal> {
    use ReviewState as S;
    let claimed_by_me = ctx.claimed_by == Some(ctx.actor);
    let claimed_by_other = ctx.claimed_by.is_some() && !claimed_by_me;
    match action {
        ReviewAction::Claim | ReviewAction::Release | ReviewAction::Decide(_) => {
            if !holds(ctx.roles, FIRST_REVIEWERS) {
                return Err(Refusal::NotReviewer);
            }
        }
        ReviewAction::SecondReview(_) => {
            if !holds(ctx.roles, SECOND_REVIEWERS) {
                return Err(Refusal::NotQualityAssurance);
            }
        }
        ReviewAction::Reopen => {
            if !holds(ctx.roles, REOPENERS) {
                return Err(Refusal::CannotReopen);
            }
        }
    }
    match (from, action) {
        (S::NotReviewed | S::InReview, ReviewAction::Claim) => {
            if claimed_by_other {
                return Err(Refusal::ClaimedByOther);
            }
            check_note(note, false)?;
            Ok(S::InReview)
        }
        (S::InReview, ReviewAction::Release) => {
            if !claimed_by_me {
                return Err(if claimed_by_other {
                    Refusal::ClaimedByOther
                } else {
                    Refusal::NotClaimed
                });
            }
            check_note(note, false)?;
            Ok(S::NotReviewed)
        }
        (S::InReview, ReviewAction::Decide(to)) => {
            if !matches!(to, S::Clean | S::MinorViolation | S::Suspicious) {
                return Err(Refusal::NotAnOutcome(to));
            }
            if claimed_by_other {
                return Err(Refusal::ClaimedByOther);
            }
            if !claimed_by_me {
                return Err(Refusal::NotClaimed);
            }
            // Anything short of clean is a finding about a person: say why.
            check_note(note, to != S::Clean)?;
            Ok(to)
        }
        (S::NotReviewed, ReviewAction::Decide(_)) => Err(Refusal::NotClaimed),
        (S::Suspicious, ReviewAction::SecondReview(to)) => {
            if !matches!(to, S::Verified | S::Rejected) {
                return Err(Refusal::NotAnOutcome(to));
            }
            if ctx.first_reviewer == Some(ctx.actor) {
                return Err(Refusal::SameReviewer);
            }
            check_note(note, to == S::Rejected)?;
            Ok(to)
        }
        (from, ReviewAction::Reopen) if from.is_decided() => {
            check_note(note, true)?;
            Ok(S::NotReviewed)
        }
        (from, _) => Err(Refusal::WrongState { from }),
    }
}

/// Whether a flag on a session may be decided by `actor` now: by a reviewer, while the session
/// is not decided and not claimed by someone else. Confirming needs a note.
pub fn check_flag_decision(
    session: ReviewState,
    to: FlagStatus,
    ctx: &Context<'_>,
    note: &str,
) -> Result<(), Refusal> {
    if !holds(ctx.roles, FIRST_REVIEWERS) {
        return Err(Refusal::NotReviewer);
    }
    if session.is_decided() {
        return Err(Refusal::WrongState { from: session });
    }
    if ctx.claimed_by.is_some_and(|c| c != ctx.actor) {
        return Err(Refusal::ClaimedByOther);
    }
    if to == FlagStatus::Open {
        return Err(Refusal::WrongState { from: session });
    }
    check_note(note, to == FlagStatus::Confirmed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReviewState as S;

    fn ctx<'a>(actor: &'a str, roles: &'a [Role], claimed_by: Option<&'a str>) -> Context<'a> {
        Context {
            actor,
            roles,
            claimed_by,
            first_reviewer: None,
        }
    }

    const REVIEWER: &[Role] = &[Role::ProctorReviewer];
    const QA: &[Role] = &[Role::QualityAssurance];

    #[test]
    fn a_reviewer_claims_then_decides_with_a_note_unless_clean() {
        let c = ctx("r1", REVIEWER, None);
        assert_eq!(
            transition(S::NotReviewed, ReviewAction::Claim, &c, ""),
            Ok(S::InReview)
        );
        let mine = ctx("r1", REVIEWER, Some("r1"));
        assert_eq!(
            transition(S::InReview, ReviewAction::Decide(S::Clean), &mine, ""),
            Ok(S::Clean)
        );
        assert_eq!(
            transition(S::InReview, ReviewAction::Decide(S::Suspicious), &mine, " "),
            Err(Refusal::NoteRequired)
        );
        assert_eq!(
            transition(
                S::InReview,
                ReviewAction::Decide(S::Suspicious),
                &mine,
                "pasted twice"
            ),
            Ok(S::Suspicious)
        );
        assert_eq!(
            transition(S::InReview, ReviewAction::Decide(S::Verified), &mine, "x"),
            Err(Refusal::NotAnOutcome(S::Verified))
        );
    }

    #[test]
    fn a_claim_held_by_someone_else_blocks_claims_decisions_and_flag_decisions() {
        let theirs = ctx("r2", REVIEWER, Some("r1"));
        assert_eq!(
            transition(S::InReview, ReviewAction::Claim, &theirs, ""),
            Err(Refusal::ClaimedByOther)
        );
        assert_eq!(
            transition(S::InReview, ReviewAction::Decide(S::Clean), &theirs, ""),
            Err(Refusal::ClaimedByOther)
        );
        assert_eq!(
            check_flag_decision(S::InReview, FlagStatus::Dismissed, &theirs, ""),
            Err(Refusal::ClaimedByOther)
        );
        // A lapsed claim is passed as no claim: the session can be taken over.
        let lapsed = ctx("r2", REVIEWER, None);
        assert_eq!(
            transition(S::InReview, ReviewAction::Claim, &lapsed, ""),
            Ok(S::InReview)
        );
        assert_eq!(
            transition(S::InReview, ReviewAction::Decide(S::Clean), &lapsed, ""),
            Err(Refusal::NotClaimed)
        );
    }

    #[test]
    fn the_second_review_is_for_qa_and_never_the_first_reviewer() {
        let mut c = ctx("q1", QA, None);
        c.first_reviewer = Some("r1");
        assert_eq!(
            transition(S::Suspicious, ReviewAction::SecondReview(S::Rejected), &c, ""),
            Err(Refusal::NoteRequired)
        );
        assert_eq!(
            transition(
                S::Suspicious,
                ReviewAction::SecondReview(S::Rejected),
                &c,
                "confirmed"
            ),
            Ok(S::Rejected)
        );
        let both: &[Role] = &[Role::ProctorReviewer, Role::QualityAssurance];
        let mut same = ctx("r1", both, None);
        same.first_reviewer = Some("r1");
        assert_eq!(
            transition(S::Suspicious, ReviewAction::SecondReview(S::Verified), &same, ""),
            Err(Refusal::SameReviewer)
        );
        let reviewer = ctx("r2", REVIEWER, None);
        assert_eq!(
            transition(
                S::Suspicious,
                ReviewAction::SecondReview(S::Verified),
                &reviewer,
                ""
            ),
            Err(Refusal::NotQualityAssurance)
        );
        assert_eq!(
            transition(S::Clean, ReviewAction::SecondReview(S::Verified), &c, ""),
            Err(Refusal::WrongState { from: S::Clean })
        );
    }

    #[test]
    fn reopening_needs_qa_or_an_admin_a_decided_session_and_a_reason() {
        let admin: &[Role] = &[Role::OrgAdmin];
        let a = ctx("a1", admin, None);
        assert_eq!(
            transition(S::Rejected, ReviewAction::Reopen, &a, ""),
            Err(Refusal::NoteRequired)
        );
        assert_eq!(
            transition(S::Rejected, ReviewAction::Reopen, &a, "appeal upheld"),
            Ok(S::NotReviewed)
        );
        assert_eq!(
            transition(S::InReview, ReviewAction::Reopen, &a, "why"),
            Err(Refusal::WrongState { from: S::InReview })
        );
        let r = ctx("r1", REVIEWER, None);
        assert_eq!(
            transition(S::Clean, ReviewAction::Reopen, &r, "x"),
            Err(Refusal::CannotReopen)
        );
    }

    #[test]
    fn no_role_outside_the_workflow_moves_anything() {
        let candidate: &[Role] = &[Role::Candidate];
        let c = ctx("c1", candidate, None);
        for from in S::ALL {
            for action in [
                ReviewAction::Claim,
                ReviewAction::Release,
                ReviewAction::Decide(S::Clean),
                ReviewAction::SecondReview(S::Verified),
                ReviewAction::Reopen,
            ] {
                assert!(
                    transition(*from, action, &c, "note").is_err(),
                    "{from:?} {action:?}"
                );
            }
        }
        assert_eq!(
            check_flag_decision(S::NotReviewed, FlagStatus::Dismissed, &c, ""),
            Err(Refusal::NotReviewer)
        );
    }

    #[test]
    fn flags_need_a_note_to_confirm_and_an_undecided_session() {
        let r = ctx("r1", REVIEWER, None);
        assert_eq!(
            check_flag_decision(S::NotReviewed, FlagStatus::Confirmed, &r, ""),
            Err(Refusal::NoteRequired)
        );
        assert_eq!(
            check_flag_decision(S::NotReviewed, FlagStatus::Dismissed, &r, ""),
            Ok(())
        );
        assert_eq!(
            check_flag_decision(S::Clean, FlagStatus::Dismissed, &r, ""),
            Err(Refusal::WrongState { from: S::Clean })
        );
        let long = "x".repeat(MAX_NOTE_CHARS + 1);
        assert_eq!(
            check_flag_decision(S::NotReviewed, FlagStatus::Confirmed, &r, &long),
            Err(Refusal::NoteTooLong)
        );
    }

    #[test]
    fn candidates_read_plain_words_and_withheld_results_wait_for_a_decision() {
        assert!(S::NotReviewed.for_candidate(true).contains("awaiting review"));
        assert!(S::Suspicious.for_candidate(true).contains("further review"));
        assert!(S::Clean.for_candidate(true).contains("cleared"));
        assert!(!S::Suspicious.releases_results());
        assert!(!S::InReview.releases_results());
        assert!(S::Verified.releases_results());
    }
}
