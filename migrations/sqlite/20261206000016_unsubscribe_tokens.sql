-- Unsubscribe links (issue 26, item 17): each notification mail carries a token of its
-- own, stored only as its SHA-256, so a copy of the database unsubscribes nobody. The
-- tokens kept in clear before are moved here, hashed, when the portal starts
-- (`notifications::service::hash_old_unsubscribe_tokens`).
CREATE TABLE unsubscribe_tokens (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL
);
CREATE INDEX unsubscribe_tokens_created ON unsubscribe_tokens (created_at);
