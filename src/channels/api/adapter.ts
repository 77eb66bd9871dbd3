import type { Principal } from '../../accounts/principal.ts';
import { normalizePhone } from '../../data/index.ts';
import type { Queryable } from '../../db/pool.ts';
import { findOrCreateConversation, getConversation } from '../../conversations/store.ts';
import { badRequest, forbidden, notFound } from '../../http/errors.ts';
import { creatorKey } from '../../conversations/scope.ts';
import { speakerFor, type ChannelAdapter, type Inbound } from '../../turns/index.ts';

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

/** The farmer the caller names for this turn: 代问's phone, or an officer's `from.phone` (an officer is never the farmer). */
function farmerNamed(m: ApiTurn): string | undefined {
  if (m.conversationId) return undefined;
  if (m.onBehalfOf) return mobileOrError(m.onBehalfOf.phone, 'onBehalfOf.phone');
  if (m.principal.role === 'officer' && m.from?.phone && !m.from.webId) return mobileOrError(m.from.phone, 'from.phone');
  return undefined;
}

/**
 * The API channel as the turn pipeline sees it: the caller's account speaks, for itself or for a farmer.
 * A conversation it opens remembers who opened it (an integration may use only its own); who is speaking and
 * whether the caller may write into the conversation are the pipeline's to decide (src/turns/speaker.ts).
 */
export function apiChannel(pool: Queryable): ChannelAdapter<ApiTurn> {
  return {
    channel: 'api',
    async conversation(m) {
      const createdBy = creatorKey(m.principal);
      if (m.conversationId) {
        const conversation = await getConversation(pool, m.conversationId);
        if (!conversation) throw notFound(`没有编号为 ${m.conversationId} 的会话`);
        return conversation;
      }
      const farmer = farmerNamed(m);
      if (farmer) return findOrCreateConversation(pool, { channel: 'api', phone: farmer, createdBy });
      if (m.from?.webId) {
        if (m.principal.role === 'officer') throw forbidden('信息员替农户提问请用 onBehalfOf.phone 写明农户手机号（代问）');
        return findOrCreateConversation(pool, {
          channel: 'api', webId: m.from.webId, phone: m.from.phone ? mobileOrError(m.from.phone, 'from.phone') : undefined, createdBy,
        });
      }
      return findOrCreateConversation(pool, { channel: 'api', phone: mobileOrError(m.from?.phone ?? '', 'from.phone'), createdBy });
    },
    speaker: async (m) => speakerFor(m.principal, farmerNamed(m)),
  };
}
