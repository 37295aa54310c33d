//! Who may do what. One function, [`authorise`], decides every action; the server calls
//! it before doing anything on someone's behalf, and the table in the tests below lists
//! each role against each action.

use serde::{Deserialize, Serialize};

use super::AgencyId;

/// A role held by a person. Everyone with an account is a citizen; these are the roles
/// on top of that, granted by an admin (and recorded in the audit log).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    PlatformAdmin,
    Moderator,
    /// Runs one agency's workshops: schedules them, checks people in, enters what was said.
    Organiser(AgencyId),
    /// Authorises staff of one agency by recording their mandate.
    AgencyAdmin(AgencyId),
    /// Speaks for one agency, under a recorded mandate.
    AgencyStaff(AgencyId),
}

/// The kind of a role, without its agency: what the database stores in `role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RoleKind {
    PlatformAdmin,
    Moderator,
    Organiser,
    AgencyAdmin,
    AgencyStaff,
}

impl RoleKind {
    pub const ALL: [RoleKind; 5] = [
        RoleKind::PlatformAdmin,
        RoleKind::Moderator,
        RoleKind::Organiser,
        RoleKind::AgencyAdmin,
        RoleKind::AgencyStaff,
    ];

    /// The same roles, least privileged first: the order forms offer them in.
    pub const BY_PRIVILEGE: [RoleKind; 5] = [
        RoleKind::AgencyStaff,
        RoleKind::Organiser,
        RoleKind::Moderator,
        RoleKind::AgencyAdmin,
        RoleKind::PlatformAdmin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RoleKind::PlatformAdmin => "platform_admin",
            RoleKind::Moderator => "moderator",
            RoleKind::Organiser => "organiser",
            RoleKind::AgencyAdmin => "agency_admin",
            RoleKind::AgencyStaff => "agency_staff",
        }
    }

    pub fn from_code(code: &str) -> Option<RoleKind> {
        RoleKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether the role belongs to one agency.
    pub fn needs_agency(self) -> bool {
        matches!(
            self,
            RoleKind::AgencyAdmin | RoleKind::AgencyStaff | RoleKind::Organiser
        )
    }

    pub fn with_agency(self, agency: Option<AgencyId>) -> Option<Role> {
        match (self, agency) {
            (RoleKind::PlatformAdmin, None) => Some(Role::PlatformAdmin),
            (RoleKind::Moderator, None) => Some(Role::Moderator),
            (RoleKind::Organiser, Some(a)) => Some(Role::Organiser(a)),
            (RoleKind::AgencyAdmin, Some(a)) => Some(Role::AgencyAdmin(a)),
            (RoleKind::AgencyStaff, Some(a)) => Some(Role::AgencyStaff(a)),
            _ => None,
        }
    }
}

impl Role {
    pub fn kind(self) -> RoleKind {
        match self {
            Role::PlatformAdmin => RoleKind::PlatformAdmin,
            Role::Moderator => RoleKind::Moderator,
            Role::Organiser(_) => RoleKind::Organiser,
            Role::AgencyAdmin(_) => RoleKind::AgencyAdmin,
            Role::AgencyStaff(_) => RoleKind::AgencyStaff,
        }
    }

    pub fn agency(self) -> Option<AgencyId> {
        match self {
            Role::AgencyAdmin(a) | Role::AgencyStaff(a) | Role::Organiser(a) => Some(a),
            _ => None,
        }
    }
}

/// The person asking, as far as authorisation is concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub roles: Vec<Role>,
    pub email_verified: bool,
    /// Whether this session passed a second factor (TOTP or a recovery code).
    pub second_factor: bool,
}

impl Actor {
    fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// Something a person may ask to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Publish a contribution (comment or reply).
    Contribute,
    /// Report a contribution to the moderators.
    Report,
    /// Follow a consultation: its news comes by mail, to a confirmed address.
    Follow,
    /// Take a place at a workshop: its confirmation and code come by mail, to a
    /// confirmed address.
    RegisterForWorkshop,
    /// Work the moderation queue: hide and restore contributions.
    Moderate,
    /// Schedule one agency's workshops, check people in, enter what was said there.
    RunWorkshops(AgencyId),
    /// Create and edit consultations, answer contributions: speak for the agency.
    ActForAgency(AgencyId),
    /// Authorise or withdraw the agency's staff (record mandates) and organisers.
    ManageAgencyStaff(AgencyId),
    /// Create agencies.
    ManageAgencies,
    /// Appoint agency admins, moderators, organisers and platform admins.
    AppointRoles,
    /// Read the audit log.
    ReadAuditLog,
}

/// Why an action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Denied {
    /// Nobody is signed in.
    #[error("sign-in required")]
    SignInRequired,
    /// The account's email address is not confirmed yet.
    #[error("email address not confirmed")]
    EmailUnverified,
    /// The role is held, but this session has not passed a second factor.
    #[error("second factor required")]
    SecondFactorRequired,
    /// The account does not hold a role that allows it.
    #[error("forbidden")]
    Forbidden,
}

/// Decides whether `actor` (`None`: nobody signed in) may do `action`.
pub fn authorise(actor: Option<&Actor>, action: Action) -> Result<(), Denied> {
    let actor = actor.ok_or(Denied::SignInRequired)?;
    let role_allows = match action {
        Action::Contribute | Action::Report | Action::Follow | Action::RegisterForWorkshop => {
            return if actor.email_verified {
                Ok(())
            } else {
                Err(Denied::EmailUnverified)
            };
        }
        Action::Moderate => actor.has(Role::Moderator),
        Action::RunWorkshops(agency) => actor.has(Role::Organiser(agency)),
        Action::ActForAgency(agency) => {
            actor.has(Role::AgencyStaff(agency)) || actor.has(Role::AgencyAdmin(agency))
        }
        Action::ManageAgencyStaff(agency) => {
            actor.has(Role::AgencyAdmin(agency)) || actor.has(Role::PlatformAdmin)
        }
        Action::ManageAgencies | Action::AppointRoles | Action::ReadAuditLog => {
            actor.has(Role::PlatformAdmin)
        }
    };
    if !role_allows {
        return Err(Denied::Forbidden);
    }
    // A role held by an address nobody confirmed could be someone else's: whoever
    // registered it first (see `ssr::admin::service::appoint`, which refuses such
    // appointments; this covers roles granted before that rule or by other means).
    if !actor.email_verified {
        return Err(Denied::EmailUnverified);
    }
    if !actor.second_factor {
        return Err(Denied::SecondFactorRequired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: AgencyId = AgencyId(1);
    const B: AgencyId = AgencyId(2);

    fn actor(roles: &[Role]) -> Actor {
        Actor {
            roles: roles.to_vec(),
            email_verified: true,
            second_factor: true,
        }
    }

    /// Every role (and nobody) against every action. `Y` allowed, `-` refused.
    #[test]
    fn role_by_action() {
        use Action::*;
        let actions = [
            Contribute,
            Report,
            Follow,
            RegisterForWorkshop,
            Moderate,
            RunWorkshops(A),
            RunWorkshops(B),
            ActForAgency(A),
            ActForAgency(B),
            ManageAgencyStaff(A),
            ManageAgencyStaff(B),
            ManageAgencies,
            AppointRoles,
            ReadAuditLog,
        ];
        #[rustfmt::skip]
        let table: [(&str, Option<Actor>, &str); 7] = [
            //                                                   Con Rep Fol Reg Mod Wsh Wsh Act Act Stf Stf Agn App Aud
            //                                                                       A   B   A   B   A   B
            ("nobody",         None,                                 "-   -   -   -   -   -   -   -   -   -   -   -   -   -"),
            ("citizen",        Some(actor(&[])),                     "Y   Y   Y   Y   -   -   -   -   -   -   -   -   -   -"),
            ("staff of A",     Some(actor(&[Role::AgencyStaff(A)])), "Y   Y   Y   Y   -   -   -   Y   -   -   -   -   -   -"),
            ("admin of A",     Some(actor(&[Role::AgencyAdmin(A)])), "Y   Y   Y   Y   -   -   -   Y   -   Y   -   -   -   -"),
            ("moderator",      Some(actor(&[Role::Moderator])),      "Y   Y   Y   Y   Y   -   -   -   -   -   -   -   -   -"),
            ("organiser of A", Some(actor(&[Role::Organiser(A)])),   "Y   Y   Y   Y   -   Y   -   -   -   -   -   -   -   -"),
            ("platform admin", Some(actor(&[Role::PlatformAdmin])),  "Y   Y   Y   Y   -   -   -   -   -   Y   Y   Y   Y   Y"),
        ];
        for (who, actor, row) in &table {
            let expected: Vec<bool> = row.split_whitespace().map(|c| c == "Y").collect();
            assert_eq!(expected.len(), actions.len(), "row {who}");
            for (action, allowed) in actions.iter().zip(expected) {
                let result = authorise(actor.as_ref(), *action);
                assert_eq!(
                    result.is_ok(),
                    allowed,
                    "{who} / {action:?}: got {result:?}"
                );
                if !allowed {
                    let expected_reason = if actor.is_none() {
                        Denied::SignInRequired
                    } else {
                        Denied::Forbidden
                    };
                    assert_eq!(result, Err(expected_reason), "{who} / {action:?}");
                }
            }
        }
    }

    #[test]
    fn roles_need_a_second_factor_in_this_session() {
        let mut staff = actor(&[Role::AgencyStaff(A), Role::Moderator]);
        staff.second_factor = false;
        for action in [Action::ActForAgency(A), Action::Moderate] {
            assert_eq!(
                authorise(Some(&staff), action),
                Err(Denied::SecondFactorRequired)
            );
        }
        // Taking part as a citizen does not.
        assert_eq!(authorise(Some(&staff), Action::Contribute), Ok(()));
        // A role not held is refused as such, second factor or not.
        assert_eq!(
            authorise(Some(&staff), Action::ReadAuditLog),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn contributing_and_following_need_a_confirmed_address() {
        let mut citizen = actor(&[]);
        citizen.email_verified = false;
        for action in [Action::Contribute, Action::Follow] {
            assert_eq!(
                authorise(Some(&citizen), action),
                Err(Denied::EmailUnverified)
            );
        }
    }

    #[test]
    fn roles_need_a_confirmed_address() {
        let mut admin = actor(&[Role::PlatformAdmin, Role::AgencyStaff(A)]);
        admin.email_verified = false;
        for action in [
            Action::AppointRoles,
            Action::ReadAuditLog,
            Action::ActForAgency(A),
        ] {
            assert_eq!(
                authorise(Some(&admin), action),
                Err(Denied::EmailUnverified)
            );
        }
    }

    #[test]
    fn role_codes_round_trip() {
        for kind in RoleKind::ALL {
            assert_eq!(RoleKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(RoleKind::from_code("citizen"), None);
        assert_eq!(RoleKind::AgencyStaff.with_agency(None), None);
        assert_eq!(RoleKind::Moderator.with_agency(Some(A)), None);
        assert_eq!(RoleKind::Organiser.with_agency(None), None);
        assert_eq!(
            RoleKind::Organiser.with_agency(Some(A)),
            Some(Role::Organiser(A))
        );
    }
}
