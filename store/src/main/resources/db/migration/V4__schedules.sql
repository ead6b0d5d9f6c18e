-- Version 4: scheduled campaigns. Same SQL dialect and conventions as version 1 (H2 2.x and
-- PostgreSQL 12+; instants at microsecond precision). Version 1 created the schedules table
-- (id, cron, zone, template_json, enabled, last_run_at) and nothing wrote to it before this
-- version, so the new NOT NULL columns need no default.
--
-- cron is the operator's expression (Unix five fields), read in zone; template_json is the
-- campaign request exactly as the operator would post it, checked again at every run.
-- next_run_at is the scheduler's state: a run is taken by a compare-and-set on it, so that of
-- several service instances on one database one fires each run; it is NULL when disabled.

ALTER TABLE schedules ADD COLUMN name VARCHAR(200) NOT NULL;
ALTER TABLE schedules ADD COLUMN warm_start BOOLEAN NOT NULL;
ALTER TABLE schedules ADD COLUMN created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL;
ALTER TABLE schedules ADD COLUMN next_run_at TIMESTAMP(6) WITH TIME ZONE;
-- The campaign of the last run that started one; kept when a later run fails.
ALTER TABLE schedules ADD COLUMN last_campaign_id VARCHAR(64);
-- Why the last run started no campaign; NULL after a run that did.
ALTER TABLE schedules ADD COLUMN last_error TEXT;

CREATE INDEX schedules_by_created_at ON schedules (created_at);
