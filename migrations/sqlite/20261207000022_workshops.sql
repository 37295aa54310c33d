-- Consultation workshops, run by the agency's workshop organisers.

-- Organisers now belong to an agency, as its staff do: an organiser runs that agency's
-- workshops and no other's. SQLite cannot change a CHECK in place, so the table is
-- copied (nothing refers to it). A platform-wide organiser granted before cannot be
-- given an agency by guessing: the grant is withdrawn, and the withdrawal logged.
CREATE TABLE role_grants_next (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('platform_admin', 'moderator', 'organiser',
                                               'agency_admin', 'agency_staff')),
    agency_id    INTEGER REFERENCES agencies (id),
    decision_ref TEXT,
    decided_on   TEXT,
    scope        TEXT,
    granted_by   INTEGER REFERENCES users (id),
    granted_at   TEXT NOT NULL,
    revoked_by   INTEGER REFERENCES users (id),
    revoked_at   TEXT,
    CHECK ((role IN ('agency_admin', 'agency_staff', 'organiser')) = (agency_id IS NOT NULL)
           OR (role = 'organiser' AND agency_id IS NULL AND revoked_at IS NOT NULL)),
    CHECK (role <> 'agency_staff'
           OR (decision_ref IS NOT NULL AND decided_on IS NOT NULL AND scope IS NOT NULL))
);

INSERT INTO audit_log (actor_id, action, target, detail, created_at)
SELECT NULL, 'role.revoke', 'user:' || user_id,
       '{"role":"organiser","reason":"organisers belong to an agency"}',
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM role_grants
 WHERE role = 'organiser' AND agency_id IS NULL AND revoked_at IS NULL;

INSERT INTO role_grants_next
SELECT id, user_id, role, agency_id, decision_ref, decided_on, scope, granted_by, granted_at,
       revoked_by,
       CASE WHEN role = 'organiser' AND agency_id IS NULL AND revoked_at IS NULL
            THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now') ELSE revoked_at END
  FROM role_grants;

DROP TABLE role_grants;
ALTER TABLE role_grants_next RENAME TO role_grants;
CREATE UNIQUE INDEX role_grants_current
    ON role_grants (user_id, role, COALESCE(agency_id, 0)) WHERE revoked_at IS NULL;
CREATE INDEX role_grants_by_agency ON role_grants (agency_id) WHERE revoked_at IS NULL;

-- A workshop of a consultation: in a room (venue), online, or both. Texts in both
-- languages, at least the title in one; the agenda is one item per line.
CREATE TABLE workshops (
    id                     INTEGER PRIMARY KEY,
    consultation_id        INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    title_ar               TEXT,
    title_en               TEXT,
    description_ar         TEXT,
    description_en         TEXT,
    agenda_ar              TEXT,
    agenda_en              TEXT,
    starts_at              TEXT NOT NULL,
    ends_at                TEXT NOT NULL,
    venue_ar               TEXT,
    venue_en               TEXT,
    map_url                TEXT,
    online_url             TEXT,
    capacity               INTEGER NOT NULL CHECK (capacity > 0),
    registration_closes_at TEXT NOT NULL,
    audience               TEXT NOT NULL
                           CHECK (audience IN ('open', 'agency_representatives', 'invitation')),
    cancelled_at           TEXT,
    -- The minutes, Markdown as the organiser wrote it (sanitised when shown).
    minutes_ar             TEXT,
    minutes_en             TEXT,
    minutes_published_at   TEXT,
    -- The workshop's id in an exchange file, so a second import updates it.
    external_id            TEXT UNIQUE,
    created_by             INTEGER REFERENCES users (id),
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    CHECK (title_ar IS NOT NULL OR title_en IS NOT NULL),
    CHECK (ends_at > starts_at),
    CHECK (registration_closes_at <= starts_at),
    CHECK (venue_ar IS NOT NULL OR venue_en IS NOT NULL OR online_url IS NOT NULL)
);
CREATE INDEX workshops_by_consultation ON workshops (consultation_id, starts_at);
CREATE INDEX workshops_by_start ON workshops (starts_at);

-- Who runs a workshop: organisers of the consultation's agency.
CREATE TABLE workshop_organisers (
    workshop_id INTEGER NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (workshop_id, user_id)
);
CREATE INDEX workshop_organisers_by_user ON workshop_organisers (user_id);

-- An invitation to an invitation-only workshop: mailed as a link that works once and
-- until it expires. Only the token's SHA-256 is kept.
CREATE TABLE workshop_invitations (
    id          INTEGER PRIMARY KEY,
    workshop_id INTEGER NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    invited_by  INTEGER REFERENCES users (id),
    created_at  TEXT NOT NULL
);
CREATE INDEX workshop_invitations_by_workshop ON workshop_invitations (workshop_id);

-- A place asked for: confirmed while places remain, else on the waitlist, promoted in
-- the order people registered when a confirmed place is given up. A walk-in has no
-- account: the organiser adds them by name, at the door.
CREATE TABLE workshop_registrations (
    id            INTEGER PRIMARY KEY,
    workshop_id   INTEGER NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    user_id       INTEGER REFERENCES users (id) ON DELETE CASCADE,
    walk_in_name  TEXT,
    org_name      TEXT,
    org_kind      TEXT CHECK (org_kind IN ('agency', 'company', 'ngo', 'academic')),
    -- The registrant's role in their organisation (asked of agency representatives).
    org_role      TEXT,
    status        TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    -- The short code the registrant gives at the door.
    code          TEXT NOT NULL,
    invitation_id INTEGER REFERENCES workshop_invitations (id),
    registered_at TEXT NOT NULL,
    promoted_at   TEXT,
    cancelled_at  TEXT,
    attended_at   TEXT,
    -- Set once, when the reminder is queued: two processes cannot both set it.
    reminded_at   TEXT,
    CHECK ((user_id IS NULL) <> (walk_in_name IS NULL)),
    CHECK ((org_name IS NULL) = (org_kind IS NULL))
);
CREATE UNIQUE INDEX workshop_registrations_once
    ON workshop_registrations (workshop_id, user_id) WHERE status <> 'cancelled';
CREATE UNIQUE INDEX workshop_registrations_code ON workshop_registrations (workshop_id, code);
CREATE INDEX workshop_registrations_queue
    ON workshop_registrations (workshop_id, status, registered_at, id);
CREATE INDEX workshop_registrations_of_user ON workshop_registrations (user_id);

-- A mail may carry one file (a workshop's .ics with its confirmation).
ALTER TABLE mail_outbox ADD COLUMN attachment_name TEXT;
ALTER TABLE mail_outbox ADD COLUMN attachment_type TEXT;
ALTER TABLE mail_outbox ADD COLUMN attachment_body TEXT;
