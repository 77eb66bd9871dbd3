-- The bureau's side: county administrators, a first password that must be changed, the roll-out progress
-- reports of 附件2, retired knowledge documents, and the review of expert answers saved to the knowledge base.

ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'county_admin', 'expert', 'officer'));
-- the generated first-run password (or one an administrator reset): every route but the change answers 403
ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;

-- 附件2 信息进村入户工程实施进度统计表: every report is kept (a correction is a new row); the latest per
-- county and date is the one that counts.
CREATE TABLE progress_reports (
  id                 bigserial PRIMARY KEY,
  county             text NOT NULL,
  as_of              date NOT NULL,
  stations_built     integer NOT NULL,
  -- of those, stations meeting all of 六有 (场所、人员、设备、宽带、网页、持续运营能力)
  stations_standard  integer,
  app_downloads      integer,
  -- 信息员 trained and passing the assessment
  officers_trained   integer,
  note               text,
  -- 'api', 'csv' (an uploaded table) or 'seed'
  source             text NOT NULL DEFAULT 'api',
  reported_by        uuid REFERENCES users (id) ON DELETE SET NULL,
  reported_by_name   text NOT NULL DEFAULT '',
  created_at         timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT progress_reports_numbers_check CHECK (
    stations_built >= 0 AND coalesce(stations_standard, 0) >= 0 AND coalesce(app_downloads, 0) >= 0
    AND coalesce(officers_trained, 0) >= 0 AND coalesce(stations_standard, 0) <= stations_built)
);
CREATE INDEX progress_reports_latest_idx ON progress_reports (county, as_of DESC, id DESC);

-- The counts the old single-figure table held become reports.
INSERT INTO progress_reports (county, as_of, stations_built, source, created_at)
SELECT county, as_of, stations_built, 'seed', recorded_at FROM station_progress;
DROP TABLE station_progress;

-- A retired document leaves the index (its chunks are deleted) but is kept here to be restored.
CREATE TABLE kb_retired_documents (
  id            uuid PRIMARY KEY,
  source_key    text NOT NULL UNIQUE,
  title         text NOT NULL,
  category      text NOT NULL,
  county        text,
  source        text,
  doc_date      date,
  tags          text[] NOT NULL DEFAULT '{}',
  format        text NOT NULL,
  content       text NOT NULL,
  reviewed      boolean NOT NULL DEFAULT false,
  chunks        integer NOT NULL DEFAULT 0,
  retired_by    text NOT NULL,
  retired_at    timestamptz NOT NULL DEFAULT now()
);

-- An administrator's approval of an expert answer saved to the knowledge base (the review queue is the
-- answers not yet approved nor retired).
ALTER TABLE expert_answers ADD COLUMN approved_at timestamptz;
ALTER TABLE expert_answers ADD COLUMN approved_by text;
