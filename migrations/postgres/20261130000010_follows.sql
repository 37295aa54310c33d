-- Following a consultation: followers are mailed when it publishes a new version and
-- when it is about to close.
CREATE TABLE follows (
    consultation_id  BIGINT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (consultation_id, user_id)
);
CREATE INDEX follows_by_user ON follows (user_id);

-- Events already told to followers, each once: a version by its number, the closing
-- reminder by the closing time it announced. Whoever inserts the row sends the news,
-- so two servers never both send it.
CREATE TABLE follow_events (
    consultation_id  BIGINT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('new_version', 'closing')),
    subject          TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (consultation_id, kind, subject)
);

-- Notifications now also tell of a consultation's events, which have no contribution.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('reply', 'new_version', 'closing'));
ALTER TABLE notifications ADD COLUMN consultation_id BIGINT
    REFERENCES consultations (id) ON DELETE CASCADE;
UPDATE notifications n SET consultation_id = c.consultation_id
  FROM contributions c WHERE c.id = n.contribution_id;
ALTER TABLE notifications ALTER COLUMN consultation_id SET NOT NULL;
ALTER TABLE notifications ALTER COLUMN contribution_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN version_number BIGINT;
ALTER TABLE notifications ADD CONSTRAINT notifications_reply_has_contribution
    CHECK ((kind = 'reply') = (contribution_id IS NOT NULL));
ALTER TABLE notifications ADD CONSTRAINT notifications_version_has_number
    CHECK ((kind = 'new_version') = (version_number IS NOT NULL));
