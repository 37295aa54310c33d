-- Contributions that reached the agency elsewhere (a workshop, a letter, an email) or
-- came from another system arrive through the exchange format; their id in the file
-- makes importing the same file again change nothing.
ALTER TABLE contributions ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX contributions_external_id ON contributions (consultation_id, external_id);
