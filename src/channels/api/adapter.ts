import type { Principal } from '../../accounts/principal.ts';
import { normalizePhone } from '../../data/index.ts';
import type { Queryable } from '../../db/pool.ts';
import { findOrCreateConversation, getConversation } from '../../conversations/store.ts';
import { badRequest, notFound } from '../../http/errors.ts';
import type { ChannelAdapter, Inbound } from '../../turns/index.ts';

/** One turn as POST /api/v1/messages takes it: a conversation by id, a farmer asked for (代问), or a sender. */
export interface ApiTurn extends Inbound {
  principal: Principal;
  conversationId?: string;
  onBehalfOf?: { phone: string };
  from?: { phone?: string; webId?: string };
}

function mobileOrError(raw: string, field: string): string {
  const r = normalizePhone(raw);
  if (!r.ok) throw badRequest(`${field}：${r.reason}`, 'invalid_phone');
  if (!/^1\d{10}$/.test(r.phone)) throw badRequest(`${field} 应为手机号（11 位）`, 'invalid_phone');
  return r.phone;
}

/** The API channel as the turn pipeline sees it: the caller's account speaks, for itself or for a farmer. */
export function apiChannel(pool: Queryable): ChannelAdapter<ApiTurn> {
  return {
    channel: 'api',
    async conversation(m) {
      if (m.conversationId) {
        const conversation = await getConversation(pool, m.conversationId);
        if (!conversation) throw notFound(`没有编号为 ${m.conversationId} 的会话`);
        return conversation;
      }
      if (m.onBehalfOf) {
        return findOrCreateConversation(pool, { channel: 'api', phone: mobileOrError(m.onBehalfOf.phone, 'onBehalfOf.phone') });
      }
      if (m.from?.webId) {
        return findOrCreateConversation(pool, {
          channel: 'api', webId: m.from.webId, phone: m.from.phone ? mobileOrError(m.from.phone, 'from.phone') : undefined,
        });
      }
      return findOrCreateConversation(pool, { channel: 'api', phone: mobileOrError(m.from?.phone ?? '', 'from.phone') });
    },
    speaker: async (m) => ({ author: m.onBehalfOf ? 'officer' : 'farmer', principal: m.principal }),
  };
}
