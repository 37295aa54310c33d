-- Who may do what beyond taking part, two-factor authentication, and the audit log.

-- A role held by a person. Agency roles name their agency; staff roles also record the
-- mandate: the agency's written decision authorising this employee (shown publicly).
CREATE TABLE role_grants (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('platform_admin', 'moderator', 'organiser',
                                               'agency_admin', 'agency_staff')),
    agency_id    BIGINT REFERENCES agencies (id),
    decision_ref TEXT,
    -- The decision's date, ISO 8601 (YYYY-MM-DD).
    decided_on   TEXT,
    scope        TEXT,
    granted_by   BIGINT REFERENCES users (id),
    granted_at   TIMESTAMPTZ NOT NULL,
    revoked_by   BIGINT REFERENCES users (id),
    revoked_at   TIMESTAMPTZ,
    CHECK ((role IN ('agency_admin', 'agency_staff')) = (agency_id IS NOT NULL)),
    CHECK (role <> 'agency_staff'
           OR (decision_ref IS NOT NULL AND decided_on IS NOT NULL AND scope IS NOT NULL))
);

-- At most one current grant of a role (per agency) per person.
CREATE UNIQUE INDEX role_grants_current
    ON role_grants (user_id, role, COALESCE(agency_id, 0)) WHERE revoked_at IS NULL;
CREATE INDEX role_grants_by_agency ON role_grants (agency_id) WHERE revoked_at IS NULL;

-- TOTP (RFC 6238). The secret is set once enrolment is confirmed with a first code;
-- the last accepted time step stops a code from being used twice.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled_at TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

CREATE TABLE recovery_codes (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- SHA-256 of the code; the codes are shown once, when created.
    code_hash TEXT NOT NULL,
    used_at   TIMESTAMPTZ
);
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);

-- Every action of staff, moderators and admins: who, what, when, from where.
CREATE TABLE audit_log (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id   BIGINT REFERENCES users (id),
    action     TEXT NOT NULL,
    -- What the action was done to, e.g. "user:12" or "agency:3".
    target     TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '{}',
    ip         TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_recent ON audit_log (created_at DESC, id DESC);
