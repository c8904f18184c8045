//! The nine roles. A user may hold several, each in one organisation.

use crate::domain::named_enum;

named_enum!(
    Role, "role" {
        SuperAdmin => "SUPER_ADMIN",
        OrgAdmin => "ORG_ADMIN",
        ExamAuthor => "EXAM_AUTHOR",
        ExamCoordinator => "EXAM_COORDINATOR",
        EnrollmentManager => "ENROLLMENT_MANAGER",
        ProctorReviewer => "PROCTOR_REVIEWER",
        QualityAssurance => "QUALITY_ASSURANCE",
        ReportViewer => "REPORT_VIEWER",
        Candidate => "CANDIDATE",
    }
);

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::SuperAdmin => "Super admin",
            Role::OrgAdmin => "Organisation admin",
            Role::ExamAuthor => "Exam author",
            Role::ExamCoordinator => "Exam coordinator",
            Role::EnrollmentManager => "Enrollment manager",
            Role::ProctorReviewer => "Proctor reviewer",
            Role::QualityAssurance => "Quality assurance",
            Role::ReportViewer => "Report viewer",
            Role::Candidate => "Candidate",
        }
    }
}

/// Roles allowed to read an exam's definition (not its answers) within its organisation.
pub const EXAM_READERS: &[Role] = &[
    Role::OrgAdmin,
    Role::ExamAuthor,
    Role::ExamCoordinator,
    Role::EnrollmentManager,
    Role::ProctorReviewer,
    Role::QualityAssurance,
    Role::ReportViewer,
];

/// Roles allowed to see flagged sessions and their evidence: first reviewers, quality
/// assurance (second reviews) and admins. Who may *decide* what is in `crate::review`.
pub const REVIEWERS: &[Role] = &[Role::ProctorReviewer, Role::QualityAssurance, Role::OrgAdmin];

/// Roles allowed to invite candidates and grant accommodations.
pub const ENROLLMENT_MANAGERS: &[Role] = &[Role::EnrollmentManager, Role::OrgAdmin];

/// Roles allowed to change how an exam runs (its schedule and settings).
pub const COORDINATORS: &[Role] = &[Role::ExamCoordinator, Role::OrgAdmin];

/// Roles allowed to grade essays and give feedback (the instructors).
pub const GRADERS: &[Role] = &[Role::ExamAuthor, Role::OrgAdmin];

/// Roles allowed to read an exam's reports and item analysis.
pub const REPORT_READERS: &[Role] = &[Role::ReportViewer, Role::ExamCoordinator, Role::OrgAdmin];

/// Whether `held` satisfies a requirement for any of `allowed`. SUPER_ADMIN satisfies all.
pub fn permits(held: &[Role], allowed: &[Role]) -> bool {
    held.iter().any(|r| *r == Role::SuperAdmin || allowed.contains(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nine_roles_with_distinct_names() {
        assert_eq!(Role::ALL.len(), 9);
        let mut names: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        names.dedup();
        assert_eq!(names.len(), 9);
    }

    #[test]
    fn permits_checks_any_held_role() {
        assert!(permits(&[Role::Candidate, Role::ProctorReviewer], REVIEWERS));
        assert!(!permits(&[Role::Candidate], REVIEWERS));
        assert!(!permits(&[], REVIEWERS));
        assert!(permits(&[Role::SuperAdmin], REVIEWERS));
    }
}
