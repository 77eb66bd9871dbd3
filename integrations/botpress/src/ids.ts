import { createHash } from 'node:crypto';

/**
 * Our server's device id (webId) for someone on Botpress: stable for the same bot and key, and shaped as
 * the server accepts (letters, digits, '-' and '_'), without sending Botpress ids that may be long or odd.
 */
export function webIdOf(botId: string, key: string): string {
  return `bp-${createHash('sha256').update(`${botId}:${key}`).digest('hex').slice(0, 40)}`;
}
