-- Following a consultation: followers are mailed when it publishes a new version and
-- when it is about to close.
CREATE TABLE follows (
    consultation_id  INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at       TEXT NOT NULL,
    PRIMARY KEY (consultation_id, user_id)
);
CREATE INDEX follows_by_user ON follows (user_id);

-- Events already told to followers, each once: a version by its number, the closing
-- reminder by the closing time it announced. Whoever inserts the row sends the news,
-- so two servers never both send it.
CREATE TABLE follow_events (
    consultation_id  INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('new_version', 'closing')),
    subject          TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    PRIMARY KEY (consultation_id, kind, subject)
);

-- Notifications now also tell of a consultation's events, which have no contribution.
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt.
CREATE TABLE notifications_new (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('reply', 'new_version', 'closing')),
    consultation_id  INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    contribution_id  INTEGER REFERENCES contributions (id) ON DELETE CASCADE,
    version_number   INTEGER,
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    CHECK ((kind = 'reply') = (contribution_id IS NOT NULL)),
    CHECK ((kind = 'new_version') = (version_number IS NOT NULL))
);
INSERT INTO notifications_new (id, user_id, kind, consultation_id, contribution_id, created_at, sent_at)
    SELECT n.id, n.user_id, n.kind, c.consultation_id, n.contribution_id, n.created_at, n.sent_at
      FROM notifications n JOIN contributions c ON c.id = n.contribution_id;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_unsent ON notifications (sent_at, user_id);
