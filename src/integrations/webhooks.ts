import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/pool.ts';

export interface Webhook {
  id: string;
  integration: string;
  url: string;
  secret: string;
  label: string | null;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

const COLUMNS = 'id, integration, url, secret, label, disabled, created_at, updated_at';

function toWebhook(r: any): Webhook {
  return {
    id: r.id, integration: r.integration, url: r.url, secret: r.secret, label: r.label, disabled: r.disabled,
    createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** A signing secret for a webhook whose owner did not bring one: 32 random bytes, hex. */
export function newSecret(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Register (or renew) an integration's delivery webhook. The same URL again keeps its id, so the links
 * of its conversations survive a re-install; a new secret replaces the old one only when one is given.
 */
export async function registerWebhook(
  q: Queryable,
  w: { integration: string; url: string; secret?: string; label?: string | null },
): Promise<Webhook> {
  const { rows } = await q.query(
    `INSERT INTO integration_webhooks (integration, url, secret, label) VALUES ($1, $2, $3, $4)
     ON CONFLICT (integration, url) DO UPDATE
       SET secret = CASE WHEN $5 THEN EXCLUDED.secret ELSE integration_webhooks.secret END,
           label = coalesce(EXCLUDED.label, integration_webhooks.label), disabled = false, updated_at = now()
     RETURNING ${COLUMNS}`,
    [w.integration, w.url, w.secret ?? newSecret(), w.label ?? null, w.secret !== undefined],
  );
  return toWebhook(rows[0]);
}

/** Stop delivering to a webhook (the integration was uninstalled); queued events to it stay, unsent. */
export async function disableWebhook(q: Queryable, integration: string, url: string): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE integration_webhooks SET disabled = true, updated_at = now() WHERE integration = $1 AND url = $2`,
    [integration, url],
  );
  return (rowCount ?? 0) > 0;
}

export async function getWebhook(q: Queryable, id: string): Promise<Webhook | undefined> {
  const { rows } = await q.query(`SELECT ${COLUMNS} FROM integration_webhooks WHERE id = $1`, [id]);
  return rows[0] ? toWebhook(rows[0]) : undefined;
}

export async function listWebhooks(q: Queryable, integration?: string): Promise<Webhook[]> {
  const { rows } = await q.query(
    `SELECT ${COLUMNS} FROM integration_webhooks WHERE $1::text IS NULL OR integration = $1 ORDER BY created_at`,
    [integration ?? null],
  );
  return rows.map(toWebhook);
}
