-- Notification mails: how each person wants them (at once, in a daily digest, or not
-- at all), the token that lets a mail's unsubscribe link turn them off, and what is
-- waiting for the next digest.
ALTER TABLE users ADD COLUMN notify_mode TEXT NOT NULL DEFAULT 'immediate'
    CHECK (notify_mode IN ('immediate', 'daily', 'off'));
ALTER TABLE users ADD COLUMN unsubscribe_token TEXT;
ALTER TABLE users ADD COLUMN last_digest_at TIMESTAMPTZ;
CREATE UNIQUE INDEX users_unsubscribe_token ON users (unsubscribe_token);

CREATE TABLE notifications (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id          BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('reply')),
    contribution_id  BIGINT NOT NULL REFERENCES contributions (id) ON DELETE CASCADE,
    created_at       TIMESTAMPTZ NOT NULL,
    sent_at          TIMESTAMPTZ
);
CREATE INDEX notifications_unsent ON notifications (sent_at, user_id);
