-- Integrations (a Botpress bot, an operator's platform) that take our replies on their own channels. A reply
-- that arrives later than the request that asked (an expert's answer, a ticket closed) is delivered to the
-- integration's webhook through an outbox: signed, retried with back-off, exactly once per event id.

-- A delivery webhook an integration registered (with its integration token) or an administrator set up.
-- The secret signs every delivery (X-Yinong-Signature, as the SMS gateway's webhooks).
CREATE TABLE integration_webhooks (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- the integration principal that owns it (the token's name, e.g. integration-1)
  integration  text NOT NULL,
  url          text NOT NULL,
  secret       text NOT NULL,
  label        text,
  disabled     boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
-- registering the same URL again renews it instead of adding a second webhook
CREATE UNIQUE INDEX integration_webhooks_url_idx ON integration_webhooks (integration, url);

-- Our conversations an integration speaks for: later replies in them go to its webhook. `kind` says what the
-- integration does with them: 'chat' (a bot asking on a farmer's behalf) or 'hitl' (a human handoff session).
CREATE TABLE integration_links (
  conversation_id  uuid PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
  webhook_id       uuid NOT NULL REFERENCES integration_webhooks (id) ON DELETE CASCADE,
  kind             text NOT NULL,
  -- the integration's own id of the conversation (a Botpress conversation id), sent back with each event
  external_id      text NOT NULL,
  external_user_id text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT integration_links_kind_check CHECK (kind IN ('chat', 'hitl'))
);
CREATE INDEX integration_links_webhook_idx ON integration_links (webhook_id);

-- Events waiting for, or done with, delivery. One row per (webhook, event key): the same message or the same
-- ticket closing queued twice (a retried request, a replayed sweep) is one delivery. The row id is the event
-- id the receiver dedupes on, so a resend after a crash is one message on the other side.
CREATE TABLE integration_outbox (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- the order events were queued in: one conversation's events are delivered one at a time, in this order
  seq              bigserial NOT NULL,
  webhook_id       uuid NOT NULL REFERENCES integration_webhooks (id) ON DELETE CASCADE,
  event_key        text NOT NULL,
  type             text NOT NULL,
  conversation_id  uuid REFERENCES conversations (id) ON DELETE SET NULL,
  message_id       bigint REFERENCES messages (id) ON DELETE SET NULL,
  payload          jsonb NOT NULL,
  -- queued → sending → sent; failed (refused by the receiver, or attempts exhausted)
  status           text NOT NULL DEFAULT 'queued',
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  claimed_by       text,
  lease_until      timestamptz,
  last_status      integer,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT integration_outbox_type_check CHECK (type IN ('message', 'ticket.closed')),
  CONSTRAINT integration_outbox_status_check CHECK (status IN ('queued', 'sending', 'sent', 'failed'))
);
CREATE UNIQUE INDEX integration_outbox_event_idx ON integration_outbox (webhook_id, event_key);
CREATE INDEX integration_outbox_due_idx ON integration_outbox (next_attempt_at, seq) WHERE status = 'queued';
-- the conversation's earlier events still on their way hold back the later ones
CREATE INDEX integration_outbox_pending_idx ON integration_outbox (conversation_id, seq) WHERE status IN ('queued', 'sending');
CREATE INDEX integration_outbox_lease_idx ON integration_outbox (lease_until) WHERE status = 'sending';
