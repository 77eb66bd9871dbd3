-- SMS channel: every text in and out crosses these tables before anything else happens, so a crash, a
-- restart or a retried webhook neither loses a message nor sends one twice.

-- Inbound texts, stored before any processing and keyed by the gateway's own message id: a gateway that
-- retries a webhook finds its row and gets one conversation turn and one reply.
CREATE TABLE sms_inbox (
  id                  bigserial PRIMARY KEY,
  gateway             text NOT NULL,
  gateway_message_id  text NOT NULL,
  phone               text NOT NULL,
  to_number           text,
  text                text NOT NULL,
  received_at         timestamptz NOT NULL DEFAULT now(),
  -- received → handled; 'failed' after too many attempts (kept, counted, never silently dropped)
  status              text NOT NULL DEFAULT 'received',
  attempts            integer NOT NULL DEFAULT 1,
  -- while a turn is being handled; a retried webhook meanwhile waits for it instead of racing it, and a
  -- turn a crash interrupted is taken over by the sweeper once this has passed
  lease_until         timestamptz NOT NULL DEFAULT now(),
  conversation_id     uuid REFERENCES conversations (id) ON DELETE SET NULL,
  message_id          bigint REFERENCES messages (id) ON DELETE SET NULL,
  last_error          text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  handled_at          timestamptz,
  CONSTRAINT sms_inbox_status_check CHECK (status IN ('received', 'handled', 'failed'))
);
CREATE UNIQUE INDEX sms_inbox_gateway_id_idx ON sms_inbox (gateway, gateway_message_id);
-- the sweeper looks for turns a crash interrupted
CREATE INDEX sms_inbox_pending_idx ON sms_inbox (lease_until) WHERE status = 'received';

-- Parts of long inbound texts (UDH concatenation over SMPP), kept until the last part arrives so a restart
-- between parts loses nothing. A part the SMSC resends is the same row.
CREATE TABLE sms_inbound_parts (
  phone        text NOT NULL,
  ref          integer NOT NULL,
  total        integer NOT NULL,
  part         integer NOT NULL,
  -- UTF-16 code units as bytes: a phone may split a character's surrogate pair between two parts, and
  -- half a pair is not valid text (PostgreSQL would store it as U+FFFD)
  payload      bytea NOT NULL,
  to_number    text,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (phone, ref, total, part)
);

-- Outgoing texts. One row is one SMS as the farmer sees it (the gateway or our SMPP client splits it into
-- concatenated segments). queued → sending → sent → delivered/undelivered; failed (permanent error or
-- attempts exhausted); suppressed (the phone opted out). The row id is the request id the gateway dedupes on.
CREATE TABLE sms_outbox (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  phone            text NOT NULL,
  text             text NOT NULL,
  kind             text NOT NULL,
  -- pages of one long notification go out in this order
  seq              integer NOT NULL DEFAULT 0,
  conversation_id  uuid REFERENCES conversations (id) ON DELETE SET NULL,
  message_id       bigint REFERENCES messages (id) ON DELETE SET NULL,
  encoding         text NOT NULL,
  segments         integer NOT NULL,
  -- the 退订 confirmation is the one text that goes to a phone that has just opted out
  bypass_opt_out   boolean NOT NULL DEFAULT false,
  status           text NOT NULL DEFAULT 'queued',
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  claimed_by       text,
  lease_until      timestamptz,
  -- set just before the request leaves for a gateway that cannot dedupe (SMPP): proves "never sent" when null
  wire_at          timestamptz,
  sent_via         text,
  gateway_id       text,
  gateway_ids      text[] NOT NULL DEFAULT '{}',
  dlr_status       text,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz,
  delivered_at     timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sms_outbox_kind_check CHECK (kind IN ('reply', 'expert', 'notify')),
  CONSTRAINT sms_outbox_encoding_check CHECK (encoding IN ('gsm7', 'ucs2')),
  CONSTRAINT sms_outbox_status_check
    CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'suppressed'))
);
-- the same reply enqueued twice (a retried webhook after a crash) is one row
CREATE UNIQUE INDEX sms_outbox_message_idx ON sms_outbox (message_id, phone, seq) WHERE message_id IS NOT NULL;
CREATE INDEX sms_outbox_due_idx ON sms_outbox (next_attempt_at, created_at, seq) WHERE status = 'queued';
CREATE INDEX sms_outbox_lease_idx ON sms_outbox (lease_until) WHERE status = 'sending';
CREATE INDEX sms_outbox_gateway_ids_idx ON sms_outbox USING gin (gateway_ids);
CREATE INDEX sms_outbox_conversation_idx ON sms_outbox (conversation_id, created_at);

-- Delivery receipts as they arrive, matched or not: a receipt can beat our own record of the gateway id.
CREATE TABLE sms_receipts (
  id           bigserial PRIMARY KEY,
  gateway      text NOT NULL,
  gateway_id   text NOT NULL,
  status       text NOT NULL,
  error        text,
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sms_receipts_gateway_id_idx ON sms_receipts (gateway_id);
