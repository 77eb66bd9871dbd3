-- Structured data that must never be invented: answered from these tables, not from passages.

-- Market prices: one row per commodity × variety × market × day. Imports upsert on that identity, so the
-- unique index uses coalesce(variety, '') (a NULL variety would otherwise never conflict).
CREATE TABLE prices (
  id          bigserial PRIMARY KEY,
  commodity   text NOT NULL,
  variety     text,
  market      text NOT NULL,
  county      text,
  price_date  date NOT NULL,
  low         numeric(12,4) NOT NULL,
  avg         numeric(12,4) NOT NULL,
  high        numeric(12,4) NOT NULL,
  unit        text NOT NULL,
  source      text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT prices_range_check CHECK (low >= 0 AND low <= avg AND avg <= high),
  CONSTRAINT prices_names_check CHECK (commodity <> '' AND market <> '' AND unit <> '')
);
-- Upsert identity, and the lookup for one series (commodity, variety, market) by date.
CREATE UNIQUE INDEX prices_identity_idx ON prices (commodity, (coalesce(variety, '')), market, price_date);
-- "Newest row for a commodity at or before a day" across markets, and "all markets on a day".
CREATE INDEX prices_commodity_date_idx ON prices (commodity, price_date DESC);

-- Labour posts (用工信息): hiring = someone wants workers, seeking = someone looks for work.
CREATE TABLE labor_posts (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind           text NOT NULL,
  title          text NOT NULL,
  work           text NOT NULL,
  county         text NOT NULL,
  town           text,
  village        text,
  quantity       integer,
  -- as written ("20人", "1台机器"): the number alone loses what is being counted
  quantity_text  text,
  pay            text,
  contact        text NOT NULL,
  expires_at     timestamptz NOT NULL,
  posted_at      timestamptz NOT NULL DEFAULT now(),
  posted_by      text,
  status         text NOT NULL DEFAULT 'active',
  closed_at      timestamptz,
  CONSTRAINT labor_posts_kind_check CHECK (kind IN ('hiring', 'seeking')),
  CONSTRAINT labor_posts_status_check CHECK (status IN ('active', 'closed')),
  CONSTRAINT labor_posts_quantity_check CHECK (quantity IS NULL OR quantity > 0),
  CONSTRAINT labor_posts_expiry_check CHECK (expires_at > posted_at)
);
-- Searches read only live posts, newest first; the expiry job reads live posts by expiry.
CREATE INDEX labor_posts_live_idx ON labor_posts (posted_at DESC) WHERE status = 'active';
CREATE INDEX labor_posts_live_county_idx ON labor_posts (county, posted_at DESC) WHERE status = 'active';
CREATE INDEX labor_posts_expiry_idx ON labor_posts (expires_at) WHERE status = 'active';

-- Supply posts (供求信息): sell or buy a commodity.
CREATE TABLE supply_posts (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind        text NOT NULL,
  commodity   text NOT NULL,
  variety     text,
  county      text NOT NULL,
  town        text,
  quantity    text,
  price       text,
  contact     text NOT NULL,
  expires_at  timestamptz NOT NULL,
  posted_at   timestamptz NOT NULL DEFAULT now(),
  posted_by   text,
  status      text NOT NULL DEFAULT 'active',
  closed_at   timestamptz,
  CONSTRAINT supply_posts_kind_check CHECK (kind IN ('sell', 'buy')),
  CONSTRAINT supply_posts_status_check CHECK (status IN ('active', 'closed')),
  CONSTRAINT supply_posts_expiry_check CHECK (expires_at > posted_at)
);
CREATE INDEX supply_posts_live_idx ON supply_posts (posted_at DESC) WHERE status = 'active';
CREATE INDEX supply_posts_live_commodity_idx ON supply_posts (commodity, posted_at DESC) WHERE status = 'active';
CREATE INDEX supply_posts_expiry_idx ON supply_posts (expires_at) WHERE status = 'active';

-- Service points: the village 益农信息社.
CREATE TABLE service_points (
  id        text PRIMARY KEY,
  name      text NOT NULL,
  county    text NOT NULL,
  town      text,
  village   text,
  address   text,
  phone     text,
  services  text[] NOT NULL DEFAULT '{}',
  hours     text
);
CREATE INDEX service_points_place_idx ON service_points (county, town, village);

-- The programme's per-county targets (附件1 of the 2019 plan). Each period's figures are that period's
-- increment, not a running total; app_downloads_target is a count of downloads (the plan writes 万).
CREATE TABLE county_targets (
  county                text NOT NULL,
  period                text NOT NULL,
  villages              integer NOT NULL,
  stations_target       integer NOT NULL,
  app_downloads_target  integer NOT NULL,
  PRIMARY KEY (county, period),
  CONSTRAINT county_targets_period_check CHECK (period ~ '^[0-9]{4}(H[12])?$'),
  CONSTRAINT county_targets_numbers_check CHECK (villages >= 0 AND stations_target >= 0 AND app_downloads_target >= 0)
);

-- Stations built so far, as reported on a day.
CREATE TABLE station_progress (
  county          text NOT NULL,
  as_of           date NOT NULL,
  stations_built  integer NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county, as_of),
  CONSTRAINT station_progress_built_check CHECK (stations_built >= 0)
);
