-- Attendance figures of a workshop whose registrations are not on this portal: one
-- imported from an exchange file (issue 24) brings its figures, per kind of
-- organisation (NULL: people who came for themselves). The pages and the API add them
-- to the registrations held here (an imported workshop has none).
CREATE TABLE workshop_reported_figures (
    workshop_id  BIGINT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    org_kind     TEXT CHECK (org_kind IN ('agency', 'company', 'ngo', 'academic')),
    registered   BIGINT NOT NULL CHECK (registered >= 0),
    attended     BIGINT NOT NULL CHECK (attended >= 0)
);
CREATE UNIQUE INDEX workshop_reported_figures_kind
    ON workshop_reported_figures (workshop_id, COALESCE(org_kind, ''));
