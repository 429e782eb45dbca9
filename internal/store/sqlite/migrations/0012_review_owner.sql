-- Whose a stored review is, so that a holder reads only its own and a county
-- clerk only its county's (authz.Decide on the review's owner): the holder's
-- credit code ('' when the author is not a holder), the application's county
-- and who created it (actor.Actor.String(), never published). Reviews stored
-- before this migration have none and are visible to prefecture roles only.
ALTER TABLE reviews ADD COLUMN owner_credit_code TEXT NOT NULL DEFAULT '';
ALTER TABLE reviews ADD COLUMN owner_county TEXT NOT NULL DEFAULT '';
ALTER TABLE reviews ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
