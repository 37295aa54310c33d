-- Mails that anyone can make the portal send by typing an address in a form
-- (verification, "already registered", reset links) are marked, so that each address
-- gets only a few a day (issue 26, item 19); the others have no `kind`.
ALTER TABLE mail_outbox ADD COLUMN kind TEXT;
CREATE INDEX mail_outbox_by_address ON mail_outbox (to_addr, created_at);
-- The retention purge deletes by these.
CREATE INDEX mail_outbox_sent ON mail_outbox (sent_at);
CREATE INDEX mail_outbox_failed ON mail_outbox (failed_at);
