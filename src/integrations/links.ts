import type { Queryable } from '../db/pool.ts';

export type LinkKind = 'chat' | 'hitl';

export interface Link {
  conversationId: string;
  webhookId: string;
  kind: LinkKind;
  externalId: string;
  externalUserId: string | null;
}

/**
 * Our conversation speaks for the integration's conversation: later replies in it go to the webhook. A
 * conversation belongs to one integration conversation; linking it again (a retried request) keeps it.
 */
export async function linkConversation(q: Queryable, l: Link): Promise<Link> {
  const { rows } = await q.query(
    `INSERT INTO integration_links (conversation_id, webhook_id, kind, external_id, external_user_id)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (conversation_id) DO UPDATE
       SET webhook_id = EXCLUDED.webhook_id, kind = EXCLUDED.kind, external_id = EXCLUDED.external_id,
           external_user_id = coalesce(EXCLUDED.external_user_id, integration_links.external_user_id)
     RETURNING conversation_id, webhook_id, kind, external_id, external_user_id`,
    [l.conversationId, l.webhookId, l.kind, l.externalId, l.externalUserId],
  );
  return toLink(rows[0]);
}

/** The integration a conversation belongs to, if any, with its webhook still on. */
export async function activeLinkOf(q: Queryable, conversationId: string): Promise<Link | undefined> {
  const { rows } = await q.query(
    `SELECT l.conversation_id, l.webhook_id, l.kind, l.external_id, l.external_user_id
       FROM integration_links l JOIN integration_webhooks w ON w.id = l.webhook_id
      WHERE l.conversation_id = $1 AND NOT w.disabled`,
    [conversationId],
  );
  return rows[0] ? toLink(rows[0]) : undefined;
}

function toLink(r: any): Link {
  return {
    conversationId: r.conversation_id, webhookId: r.webhook_id, kind: r.kind, externalId: r.external_id,
    externalUserId: r.external_user_id,
  };
}
