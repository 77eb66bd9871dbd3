-- Conversations and every message in them, whatever the channel. The server keeps no state of its own:
-- a farmer's context (last intent and slots, a guided exchange in progress, SMS paging) lives in `context`.
CREATE TABLE conversations (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  channel       text NOT NULL,
  farmer_phone  text,
  web_id        text,
  county        text,
  context       jsonb NOT NULL DEFAULT '{}',
  -- 'expert' while an expert owns the conversation: the assistant stays silent until it is handed back
  mode          text NOT NULL DEFAULT 'bot',
  opted_out     boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT conversations_channel_check CHECK (channel IN ('web', 'sms', 'api')),
  CONSTRAINT conversations_mode_check CHECK (mode IN ('bot', 'expert')),
  CONSTRAINT conversations_who_check CHECK (farmer_phone IS NOT NULL OR web_id IS NOT NULL)
);
-- One conversation per phone on SMS, per device on the web, per caller identity on the API.
CREATE UNIQUE INDEX conversations_phone_idx ON conversations (channel, farmer_phone) WHERE web_id IS NULL;
CREATE UNIQUE INDEX conversations_web_idx ON conversations (channel, web_id) WHERE web_id IS NOT NULL;

CREATE TABLE messages (
  id                  bigserial PRIMARY KEY,
  conversation_id     uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  author              text NOT NULL,
  author_id           text,
  text                text NOT NULL,
  intent              text,
  slots               jsonb NOT NULL DEFAULT '{}',
  confidence          real,
  citations           jsonb NOT NULL DEFAULT '[]',
  quick_replies       jsonb NOT NULL DEFAULT '[]',
  escalated           boolean NOT NULL DEFAULT false,
  -- the channel's own id for an inbound message (client id, gateway id): a resend is recognised
  channel_message_id  text,
  reply_to            bigint REFERENCES messages (id),
  created_at          timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT messages_author_check CHECK (author IN ('farmer', 'bot', 'expert', 'officer', 'system'))
);
CREATE UNIQUE INDEX messages_channel_id_idx ON messages (conversation_id, channel_message_id)
  WHERE channel_message_id IS NOT NULL;
CREATE INDEX messages_conversation_idx ON messages (conversation_id, id);
CREATE INDEX messages_intent_idx ON messages (intent, created_at) WHERE author = 'bot';

-- Questions the assistant handed to the expert team, kept with what it found; the escalation service
-- turns each into a routed ticket (one per message).
CREATE TABLE escalations (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  conversation_id  uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  message_id       bigint NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
  question         text NOT NULL,
  category         text NOT NULL,
  county           text,
  commodity        text,
  reason           text NOT NULL,
  passages         jsonb NOT NULL DEFAULT '[]',
  created_at       timestamptz NOT NULL DEFAULT now()
);
