-- Notification mails: how each person wants them (at once, in a daily digest, or not
-- at all), the token that lets a mail's unsubscribe link turn them off, and what is
-- waiting for the next digest.
ALTER TABLE users ADD COLUMN notify_mode TEXT NOT NULL DEFAULT 'immediate'
    CHECK (notify_mode IN ('immediate', 'daily', 'off'));
ALTER TABLE users ADD COLUMN unsubscribe_token TEXT;
ALTER TABLE users ADD COLUMN last_digest_at TEXT;
CREATE UNIQUE INDEX users_unsubscribe_token ON users (unsubscribe_token);

CREATE TABLE notifications (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('reply')),
    contribution_id  INTEGER NOT NULL REFERENCES contributions (id) ON DELETE CASCADE,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
CREATE INDEX notifications_unsent ON notifications (sent_at, user_id);
