-- Schema 5: the die as the operator labels it in the session (the app's Session screen, API
-- session.set dieId). sessions.die_id keeps the die id the board reports when the session first
-- connects; the operator's label is kept apart from it, as each run's provenance keeps the board's.
ALTER TABLE sessions ADD COLUMN die_label TEXT;
