//! An organisation as its admin runs it (members, departments, settings, the audit log), and
//! the platform as its super admin sees it.

use serde::{Deserialize, Serialize};
use shared::{Role, Sensitivity};

/// The roles an organisation's admin may grant (SUPER_ADMIN is the platform's, not theirs).
pub const GRANTABLE_ROLES: &[Role] = &[
    Role::OrgAdmin,
    Role::ExamAuthor,
    Role::ExamCoordinator,
    Role::EnrollmentManager,
    Role::ProctorReviewer,
    Role::QualityAssurance,
    Role::ReportViewer,
    Role::Candidate,
];

/// An organisation the caller administers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdministeredOrg {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: String,
    pub display_name: String,
    pub email: String,
    pub roles: Vec<Role>,
    pub department_id: Option<String>,
    pub department: Option<String>,
    pub joined_at: i64,
    /// The admin looking at the list.
    pub is_you: bool,
}

/// One page of a member search: the first `members.len()` of `total` matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberList {
    pub members: Vec<Member>,
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingStaffInvitation {
    pub id: String,
    pub email: String,
    pub roles: Vec<Role>,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub id: String,
    pub name: String,
    pub members: i64,
    pub banks: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSettings {
    pub name: String,
    pub time_zone: String,
    pub default_sensitivity: Sensitivity,
    pub telemetry_retention_days: i64,
    pub staff_second_factor: bool,
}

/// Bounds of the telemetry retention period, in days.
pub const RETENTION_DAYS: std::ops::RangeInclusive<i64> = 7..=3650;

/// The actions recorded against an organisation, offered as the audit log's filter.
pub const ORG_AUDIT_ACTIONS: &[&str] = &[
    "ACCOUNT_DELETED",
    "ACCOMMODATION_SET",
    "AUTHORING_STATUS_CHANGED",
    "BANK_CREATED",
    "DEPARTMENT_CREATED",
    "DEPARTMENT_DELETED",
    "DEPARTMENT_RENAMED",
    "ESSAYS_GRADED",
    "EXAM_SETTING_CHANGED",
    "FLAG_DECIDED",
    "FLAG_RAISED_BY_REVIEWER",
    "INVITATION_ACCEPTED",
    "INVITATION_SENT",
    "MEMBER_DEPARTMENT_CHANGED",
    "MEMBER_REMOVED",
    "MEMBER_ROLES_CHANGED",
    "ORG_CREATED",
    "ORG_REACTIVATED",
    "ORG_SETTINGS_CHANGED",
    "ORG_SUSPENDED",
    "QUESTIONS_IMPORTED",
    "RELAXATIONS_SET",
    "REVIEW_STATE_CHANGED",
    "STAFF_INVITATION_ACCEPTED",
    "STAFF_INVITATION_WITHDRAWN",
    "STAFF_INVITED",
    "TELEMETRY_PURGED",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    pub at: i64,
    pub action: String,
    /// The email of who acted, when someone did.
    pub actor: Option<String>,
    pub subject: Option<String>,
    pub address: Option<String>,
    pub detail: Option<String>,
}

/// What the audit log is filtered by; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    pub action: String,
    pub actor: String,
    /// `YYYY-MM-DD` in the organisation's time zone, inclusive.
    pub from_day: String,
    pub to_day: String,
    /// Where the previous page ended.
    pub before: Option<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Whether older entries match too.
    pub more: bool,
}

/// An organisation on the platform, for its super admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformOrg {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub members: i64,
    pub admins: i64,
    pub suspended_at: Option<i64>,
    pub created_at: i64,
    /// Whether it holds a super admin's role (and so cannot be suspended).
    pub platform_home: bool,
}

/// What a staff invitation link leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffInvitationView {
    pub organization: String,
    pub email: String,
    pub roles: Vec<Role>,
    pub department: Option<String>,
    pub expires_at: i64,
    pub account_exists: bool,
    pub signed_in_as: Option<String>,
}

/// A member's request that their account be deleted, waiting for an admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingDeletion {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub requested_at: i64,
}
