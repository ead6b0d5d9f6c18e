-- Version 2: ask/tell studies, whose trials the caller evaluates itself. Same SQL dialect and
-- conventions as version 1 (H2 2.x and PostgreSQL 12+; instants at microsecond precision; enums as
-- lower-case wire names; *_json columns hold io.infertune.store.json.WireFormat JSON).
--
-- A study's trials have a table of their own rather than sharing the campaigns' trials table:
-- their parent is a study (a foreign key names one table), and completing one is a compare-and-set
-- on its status (UPDATE ... WHERE status = 'running').

CREATE TABLE studies (
  id         VARCHAR(64)  NOT NULL PRIMARY KEY,
  name       VARCHAR(200) NOT NULL,
  created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  -- The whole StudySpec, defaults written out.
  spec_json  TEXT         NOT NULL
);

CREATE INDEX studies_by_created_at ON studies (created_at);

CREATE TABLE study_trials (
  id                 VARCHAR(255) NOT NULL PRIMARY KEY,
  study_id           VARCHAR(64)  NOT NULL REFERENCES studies (id),
  number             INTEGER      NOT NULL CHECK (number >= 0),
  status             VARCHAR(16)  NOT NULL
    CHECK (status IN ('running', 'completed', 'infeasible', 'failed', 'aborted')),
  baseline           BOOLEAN      NOT NULL,
  -- The primary objective's value; NULL when not measured.
  objective_value    DOUBLE PRECISION,
  reason             TEXT,
  started_at         TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  finished_at        TIMESTAMP(6) WITH TIME ZONE,
  configuration_json TEXT         NOT NULL,
  -- Every reported value (objectives and other metrics) as a Measurement.
  measurement_json   TEXT,
  -- Also the index for reading a study's trials in number order.
  CONSTRAINT study_trials_study_number UNIQUE (study_id, number)
);
