-- The stations' other services (src/services): machinery sharing, 代购 orders, trainings, and the data
-- exchange with the provincial platform. Every change an officer or administrator makes is a service_events row.

-- Farm machinery (农机): an owner's offer ("offer") or a farmer's request to rent ("want", 求租).
CREATE TABLE machinery_posts (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  side            text NOT NULL,
  -- the type in the lexicon's words (收割机); machine_text keeps what the poster wrote ("麦收机")
  machine         text NOT NULL,
  machine_text    text NOT NULL,
  owner           text,
  county          text NOT NULL,
  town            text,
  village         text,
  -- as quoted ("80元/亩", "面议"): never a number we made up
  price           text,
  contact         text NOT NULL,
  available_from  date,
  available_to    date,
  expires_at      timestamptz NOT NULL,
  posted_at       timestamptz NOT NULL DEFAULT now(),
  posted_by       text,
  status          text NOT NULL DEFAULT 'active',
  closed_at       timestamptz,
  CONSTRAINT machinery_posts_side_check CHECK (side IN ('offer', 'want')),
  CONSTRAINT machinery_posts_status_check CHECK (status IN ('active', 'closed')),
  CONSTRAINT machinery_posts_expiry_check CHECK (expires_at > posted_at),
  CONSTRAINT machinery_posts_dates_check CHECK (available_to IS NULL OR available_from IS NULL OR available_to >= available_from)
);
CREATE INDEX machinery_posts_live_idx ON machinery_posts (county, machine, posted_at DESC) WHERE status = 'active';
CREATE INDEX machinery_posts_expiry_idx ON machinery_posts (expires_at) WHERE status = 'active';

-- 代购 orders: what a farmer asked the station to buy. Items and unit as the farmer said them; the price is
-- the officer's, set when confirming.
CREATE TABLE orders (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  phone              text NOT NULL,
  items              text NOT NULL,
  quantity           numeric,
  unit               text,
  county             text,
  -- the 益农信息社 (service_points.id) that buys and hands it over
  station            text,
  -- where the farmer asked: changes are told there (web-chat or SMS); null for orders made through the API
  conversation_id    uuid REFERENCES conversations (id) ON DELETE SET NULL,
  channel            text NOT NULL DEFAULT 'api',
  status             text NOT NULL DEFAULT 'requested',
  price              text,
  note               text,
  created_by         text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  status_changed_at  timestamptz NOT NULL DEFAULT now(),
  -- the last reminder for this status; a reminder is sent once per ORDER_REMINDER_DAYS without change
  reminded_at        timestamptz,
  CONSTRAINT orders_status_check CHECK (status IN ('requested', 'confirmed', 'arrived', 'collected', 'cancelled')),
  CONSTRAINT orders_quantity_check CHECK (quantity IS NULL OR quantity > 0),
  CONSTRAINT orders_channel_check CHECK (channel IN ('web', 'sms', 'api'))
);
CREATE INDEX orders_queue_idx ON orders (station, status, created_at);
CREATE INDEX orders_phone_idx ON orders (phone, created_at DESC);
CREATE INDEX orders_open_idx ON orders (status_changed_at) WHERE status IN ('requested', 'confirmed', 'arrived');

-- Training sessions and the farmers signed up for them.
CREATE TABLE trainings (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  topic         text NOT NULL,
  county        text NOT NULL,
  town          text,
  -- a station or a town hall, as the organiser wrote it
  place         text NOT NULL,
  starts_at     timestamptz NOT NULL,
  capacity      integer NOT NULL,
  created_by    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  status        text NOT NULL DEFAULT 'scheduled',
  CONSTRAINT trainings_capacity_check CHECK (capacity > 0 AND capacity <= 10000),
  CONSTRAINT trainings_status_check CHECK (status IN ('scheduled', 'cancelled'))
);
CREATE INDEX trainings_upcoming_idx ON trainings (county, starts_at) WHERE status = 'scheduled';

CREATE TABLE training_signups (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  training_id      uuid NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
  phone            text NOT NULL,
  -- seated: seat 1..capacity; waitlisted: position in the queue (renumbered when a seat frees up)
  status           text NOT NULL,
  seat             integer,
  position         integer,
  conversation_id  uuid REFERENCES conversations (id) ON DELETE SET NULL,
  attended         boolean,
  attended_at      timestamptz,
  reminded_at      timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT training_signups_status_check CHECK (status IN ('seated', 'waitlisted')),
  CONSTRAINT training_signups_place_check CHECK ((status = 'seated' AND seat IS NOT NULL) OR (status = 'waitlisted' AND position IS NOT NULL))
);
CREATE UNIQUE INDEX training_signups_phone_idx ON training_signups (training_id, phone);
CREATE UNIQUE INDEX training_signups_seat_idx ON training_signups (training_id, seat) WHERE seat IS NOT NULL;

-- Who changed what and when: every write an officer or administrator makes to the services above.
CREATE TABLE service_events (
  id          bigserial PRIMARY KEY,
  entity      text NOT NULL,
  entity_id   text NOT NULL,
  action      text NOT NULL,
  actor_id    text,
  actor_name  text NOT NULL,
  actor_role  text NOT NULL,
  detail      jsonb NOT NULL DEFAULT '{}',
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX service_events_entity_idx ON service_events (entity, entity_id, at);

-- Pushes to the provincial platform (EXCHANGE_PUSH_URL): one row a batch, retried with back-off until sent.
CREATE TABLE exchange_outbox (
  id               bigserial PRIMARY KEY,
  kind             text NOT NULL,
  -- the records' cursor range: the next batch starts after last_cursor
  last_cursor      bigint NOT NULL,
  body             text NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exchange_outbox_due_idx ON exchange_outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE UNIQUE INDEX exchange_outbox_cursor_idx ON exchange_outbox (kind, last_cursor);
