-- People who log in (experts, 信息员, administrators), their sessions, and the expert team's tickets.

CREATE TABLE users (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username         text NOT NULL,
  -- argon2id PHC string; the password itself is never stored
  password_hash    text NOT NULL,
  role             text NOT NULL,
  name             text NOT NULL,
  phone            text,
  -- expert categories (粮食作物 … 市场) an expert answers
  specialties      text[] NOT NULL DEFAULT '{}',
  -- counties an expert serves (empty: the whole city); an officer's county
  counties         text[] NOT NULL DEFAULT '{}',
  -- an officer's village (益农信息社)
  village          text,
  -- tickets an expert holds at once before routing passes them by
  capacity         integer NOT NULL DEFAULT 10,
  -- working time in China time; NULL = the team's (WORK_DAYS, WORK_HOURS)
  work_days        smallint[],
  work_start_min   smallint,
  work_end_min     smallint,
  -- false while on leave: routing passes the expert by whatever the hours say
  available        boolean NOT NULL DEFAULT true,
  disabled         boolean NOT NULL DEFAULT false,
  -- shipped demo account (embedded default): its password is renewed and printed in development mode
  demo             boolean NOT NULL DEFAULT false,
  last_assigned_at timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_role_check CHECK (role IN ('admin', 'expert', 'officer')),
  CONSTRAINT users_capacity_check CHECK (capacity BETWEEN 1 AND 1000),
  CONSTRAINT users_hours_check CHECK (
    (work_start_min IS NULL) = (work_end_min IS NULL)
    AND (work_start_min IS NULL OR (work_start_min >= 0 AND work_end_min <= 1440 AND work_start_min < work_end_min)))
);
CREATE UNIQUE INDEX users_username_idx ON users (lower(username));
CREATE INDEX users_experts_idx ON users USING gin (specialties) WHERE role = 'expert' AND NOT disabled;

-- A session token is 32 random bytes given to the client once; only its SHA-256 is kept, so a copy of
-- this table logs nobody in.
CREATE TABLE sessions (
  token_hash   bytea PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  ip           text
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Failed logins per username and per client address, for the lock-out. Kept for unknown usernames too, so
-- guessing names is as slow as guessing passwords.
CREATE TABLE login_throttle (
  key           text PRIMARY KEY,
  failures      integer NOT NULL DEFAULT 0,
  window_start  timestamptz NOT NULL DEFAULT now(),
  locked_until  timestamptz
);

-- One ticket per escalation (same id): the same turn never makes two.
CREATE TABLE tickets (
  id               uuid PRIMARY KEY REFERENCES escalations (id) ON DELETE CASCADE,
  conversation_id  uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  status           text NOT NULL DEFAULT 'open',
  category         text NOT NULL,
  -- 1 urgent, 2 high, 3 normal: the queue is worked in this order, then by due time
  priority         smallint NOT NULL DEFAULT 3,
  county           text,
  commodity        text,
  question         text NOT NULL,
  -- the farmer's phone when a 信息员 asked for them (代问): the expert's answer goes there by SMS too
  on_behalf_of     text,
  -- the 信息员 who asked it (代问): officers see the tickets they asked
  asked_by         uuid REFERENCES users (id) ON DELETE SET NULL,
  assignee_id      uuid REFERENCES users (id) ON DELETE SET NULL,
  due_at           timestamptz NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  answered_at      timestamptz,
  closed_at        timestamptz,
  -- the last farmer follow-up or expert reply: answered tickets left quiet are closed by the sweep
  last_activity_at timestamptz NOT NULL DEFAULT now(),
  overdue_notified_at timestamptz,
  CONSTRAINT tickets_status_check
    CHECK (status IN ('open', 'assigned', 'answered', 'closed', 'reopened', 'expired')),
  CONSTRAINT tickets_category_check CHECK (category IN
    ('粮食作物', '经济作物', '蔬菜', '果树', '植保', '土肥', '畜牧', '兽医', '水产', '农机', '政策', '市场')),
  CONSTRAINT tickets_priority_check CHECK (priority BETWEEN 1 AND 3)
);
-- The team queue: unassigned tickets by category, worked by priority then due time. Partial, so it stays
-- small however many closed tickets pile up.
CREATE INDEX tickets_queue_idx ON tickets (category, priority, due_at)
  WHERE assignee_id IS NULL AND status IN ('open', 'reopened');
-- An expert's own tickets, and the load routing balances on.
CREATE INDEX tickets_assignee_idx ON tickets (assignee_id, priority, due_at)
  WHERE status IN ('assigned', 'answered', 'reopened');
-- History views: newest first, by status and by category.
CREATE INDEX tickets_status_created_idx ON tickets (status, created_at DESC, id DESC);
CREATE INDEX tickets_category_created_idx ON tickets (category, created_at DESC, id DESC);
CREATE INDEX tickets_created_idx ON tickets (created_at DESC, id DESC);
CREATE INDEX tickets_conversation_idx ON tickets (conversation_id, created_at DESC);
CREATE INDEX tickets_asked_by_idx ON tickets (asked_by, created_at DESC, id DESC) WHERE asked_by IS NOT NULL;
-- Tickets still waiting for an answer by due time: the overdue count and the sweep's reminders.
CREATE INDEX tickets_waiting_due_idx ON tickets (due_at) WHERE status IN ('open', 'assigned', 'reopened');

-- Every change to a ticket, with who and when.
CREATE TABLE ticket_events (
  id           bigserial PRIMARY KEY,
  ticket_id    uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  kind         text NOT NULL,
  from_status  text,
  to_status    text,
  -- the person (NULL for the assistant, the system and the ADMIN_TOKEN) and a readable name
  actor_id     uuid REFERENCES users (id) ON DELETE SET NULL,
  actor        text NOT NULL,
  assignee_id  uuid REFERENCES users (id) ON DELETE SET NULL,
  message_id   bigint REFERENCES messages (id) ON DELETE SET NULL,
  detail       jsonb NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, id);

-- Expert answers saved into the knowledge base as reviewed Q&A documents; an administrator edits or
-- retires them here (retiring removes the document and keeps this record).
CREATE TABLE expert_answers (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ticket_id     uuid NOT NULL UNIQUE REFERENCES tickets (id) ON DELETE CASCADE,
  document_id   uuid REFERENCES kb_documents (id) ON DELETE SET NULL,
  question      text NOT NULL,
  answer        text NOT NULL,
  category      text NOT NULL,
  county        text,
  author_id     uuid REFERENCES users (id) ON DELETE SET NULL,
  author_name   text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  retired_at    timestamptz
);
