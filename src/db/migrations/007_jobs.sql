-- Scheduled work (src/jobs): a row per run of a job, and the feed files already imported.

-- Every run of a scheduled job, whichever instance ran it. `slot` is the scheduled moment the run is for
-- (null when started by hand): unique per job, so N instances ticking at the same moment run it once.
CREATE TABLE job_runs (
  id           bigserial PRIMARY KEY,
  job          text NOT NULL,
  slot         timestamptz,
  instance     text NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  -- 'running' until it ends; a run whose process died is marked 'abandoned' by the next run of the job
  outcome      text NOT NULL DEFAULT 'running',
  counts       jsonb NOT NULL DEFAULT '{}',
  error        text,
  CONSTRAINT job_runs_outcome_check CHECK (outcome IN ('running', 'succeeded', 'failed', 'abandoned'))
);
CREATE UNIQUE INDEX job_runs_slot_idx ON job_runs (job, slot) WHERE slot IS NOT NULL;
CREATE INDEX job_runs_job_idx ON job_runs (job, started_at DESC);
CREATE INDEX job_runs_running_idx ON job_runs (job) WHERE outcome = 'running';

-- Files taken from the price drop folder or the price feed, by content: the same bytes are imported once,
-- and a refused file is not retried every tick (a corrected file has other bytes, so it is read again).
CREATE TABLE imported_files (
  id             bigserial PRIMARY KEY,
  kind           text NOT NULL DEFAULT 'prices',
  -- 'drop' (PRICE_DROP_DIR) or 'feed' (PRICE_FEED_URL)
  source         text NOT NULL,
  -- the file name in the drop folder, or the feed URL
  name           text NOT NULL,
  sha256         bytea NOT NULL,
  size_bytes     bigint NOT NULL,
  -- modification time of a dropped file: an unchanged file is recognised without reading it again
  mtime          timestamptz,
  -- 'imported' (valid rows stored, invalid ones listed) or 'rejected' (nothing stored; see error)
  status         text NOT NULL,
  rows_total     integer NOT NULL DEFAULT 0,
  rows_imported  integer NOT NULL DEFAULT 0,
  rows_unchanged integer NOT NULL DEFAULT 0,
  rows_rejected  integer NOT NULL DEFAULT 0,
  -- the first rejected rows, [{"where": "file:line", "reason": "…"}]
  rejections     jsonb NOT NULL DEFAULT '[]',
  error          text,
  job_run_id     bigint REFERENCES job_runs (id) ON DELETE SET NULL,
  imported_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT imported_files_status_check CHECK (status IN ('imported', 'rejected')),
  CONSTRAINT imported_files_source_check CHECK (source IN ('drop', 'feed')),
  CONSTRAINT imported_files_content_key UNIQUE (kind, sha256)
);
CREATE INDEX imported_files_seen_idx ON imported_files (source, name, size_bytes, mtime);
