-- What reached the agency off the portal (issue 24): said at one of its workshops, or
-- received through its official social media accounts, by email or by letter, and
-- entered on the portal by the organiser or mandated staff member who received it.
-- The author's name is published only with their consent (`attribution` 'named');
-- otherwise the record shows a member of the public, or the group's feedback.
ALTER TABLE contributions ADD COLUMN workshop_id INTEGER REFERENCES workshops (id);
-- The day it was received or said (YYYY-MM-DD, in the agency's zone).
ALTER TABLE contributions ADD COLUMN received_on TEXT;
ALTER TABLE contributions ADD COLUMN source_url TEXT;
ALTER TABLE contributions ADD COLUMN entered_by INTEGER REFERENCES users (id);
ALTER TABLE contributions ADD COLUMN attribution TEXT
    CHECK (attribution IN ('named', 'anonymous', 'group'));
CREATE INDEX contributions_by_workshop ON contributions (workshop_id, id)
    WHERE workshop_id IS NOT NULL;
-- Each channel's share on the consultation and impact pages: what came off the portal
-- is counted from its own small index, the rest is online.
CREATE INDEX contributions_off_portal ON contributions (consultation_id, channel, status)
    WHERE channel <> 'online';
