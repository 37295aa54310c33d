-- Consultation workshops, run by the agency's workshop organisers.

-- Organisers now belong to an agency, as its staff do: an organiser runs that agency's
-- workshops and no other's. A platform-wide organiser granted before cannot be given an
-- agency by guessing: the grant is withdrawn, and the withdrawal logged.
INSERT INTO audit_log (actor_id, action, target, detail, created_at)
SELECT NULL, 'role.revoke', 'user:' || user_id,
       '{"role":"organiser","reason":"organisers belong to an agency"}', now()
  FROM role_grants
 WHERE role = 'organiser' AND agency_id IS NULL AND revoked_at IS NULL;

UPDATE role_grants SET revoked_at = now()
 WHERE role = 'organiser' AND agency_id IS NULL AND revoked_at IS NULL;

ALTER TABLE role_grants DROP CONSTRAINT role_grants_check;
ALTER TABLE role_grants ADD CONSTRAINT role_grants_check
    CHECK ((role IN ('agency_admin', 'agency_staff', 'organiser')) = (agency_id IS NOT NULL)
           OR (role = 'organiser' AND agency_id IS NULL AND revoked_at IS NOT NULL));

-- A workshop of a consultation: in a room (venue), online, or both. Texts in both
-- languages, at least the title in one; the agenda is one item per line.
CREATE TABLE workshops (
    id                     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consultation_id        BIGINT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    title_ar               TEXT,
    title_en               TEXT,
    description_ar         TEXT,
    description_en         TEXT,
    agenda_ar              TEXT,
    agenda_en              TEXT,
    starts_at              TIMESTAMPTZ NOT NULL,
    ends_at                TIMESTAMPTZ NOT NULL,
    venue_ar               TEXT,
    venue_en               TEXT,
    map_url                TEXT,
    online_url             TEXT,
    capacity               BIGINT NOT NULL CHECK (capacity > 0),
    registration_closes_at TIMESTAMPTZ NOT NULL,
    audience               TEXT NOT NULL
                           CHECK (audience IN ('open', 'agency_representatives', 'invitation')),
    cancelled_at           TIMESTAMPTZ,
    -- The minutes, Markdown as the organiser wrote it (sanitised when shown).
    minutes_ar             TEXT,
    minutes_en             TEXT,
    minutes_published_at   TIMESTAMPTZ,
    -- The workshop's id in an exchange file, so a second import updates it.
    external_id            TEXT UNIQUE,
    created_by             BIGINT REFERENCES users (id),
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL,
    CHECK (title_ar IS NOT NULL OR title_en IS NOT NULL),
    CHECK (ends_at > starts_at),
    CHECK (registration_closes_at <= starts_at),
    CHECK (venue_ar IS NOT NULL OR venue_en IS NOT NULL OR online_url IS NOT NULL)
);
CREATE INDEX workshops_by_consultation ON workshops (consultation_id, starts_at);
CREATE INDEX workshops_by_start ON workshops (starts_at);

-- Who runs a workshop: organisers of the consultation's agency.
CREATE TABLE workshop_organisers (
    workshop_id BIGINT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (workshop_id, user_id)
);
CREATE INDEX workshop_organisers_by_user ON workshop_organisers (user_id);
