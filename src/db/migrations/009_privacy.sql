-- Who may see a farmer's record. An officer (信息员) sees the farmers of their county (or, with no county,
-- their village) and the farmers they asked for (代问); an integration sees the API conversations it opened.

-- Where a farmer lives, as far as the service knows: set by the first 信息员 who asks for them (their own
-- county and village), kept by later ones. One row per phone, whatever the channel.
CREATE TABLE farmers (
  phone       text PRIMARY KEY,
  county      text,
  village     text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX farmers_county_idx ON farmers (county, village);

-- 代问: this officer asked for this farmer at least once, and so may read the farmer's record.
CREATE TABLE officer_farmers (
  officer_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  farmer_phone    text NOT NULL,
  first_asked_at  timestamptz NOT NULL DEFAULT now(),
  last_asked_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (officer_id, farmer_phone)
);
CREATE INDEX officer_farmers_phone_idx ON officer_farmers (farmer_phone);

-- The caller that opened an API conversation (an integration's name, or an account id): an integration
-- may read and write only the conversations it opened.
ALTER TABLE conversations ADD COLUMN created_by text;

-- Links for what was asked before this migration: tickets an officer asked, and officers' messages in a
-- farmer's conversation.
INSERT INTO officer_farmers (officer_id, farmer_phone)
  SELECT DISTINCT asked_by, on_behalf_of FROM tickets WHERE asked_by IS NOT NULL AND on_behalf_of IS NOT NULL
  ON CONFLICT DO NOTHING;
INSERT INTO officer_farmers (officer_id, farmer_phone)
  SELECT DISTINCT u.id, c.farmer_phone
    FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN users u ON u.id::text = m.author_id
   WHERE m.author = 'officer' AND c.farmer_phone IS NOT NULL AND u.role = 'officer'
  ON CONFLICT DO NOTHING;
