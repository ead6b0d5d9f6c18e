-- Version 6: a schedule may also re-tune when drift is detected on its template's runtime.
-- Same dialect as version 1 (H2 2.x and PostgreSQL 12+). Existing schedules run on their cron
-- only, as before. (Version 5 is the API tokens and audit log.)
ALTER TABLE schedules ADD COLUMN retune_on_drift BOOLEAN DEFAULT FALSE NOT NULL;
