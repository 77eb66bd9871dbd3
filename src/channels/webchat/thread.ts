import type { FastifyInstance } from 'fastify';
import { normalizePhone } from '../../data/index.ts';
import type { Queryable } from '../../db/pool.ts';
import { findOrCreateConversation } from '../../conversations/store.ts';
import { creatorKey, officerThreadId } from '../../conversations/scope.ts';
import type { Conversation } from '../../conversations/types.ts';
import { speakerFor, type ChannelAdapter, type Inbound } from '../../turns/index.ts';
import type { Principal } from '../../accounts/principal.ts';
import type { Said } from '../../bot/index.ts';
import type { ErrorCode } from './protocol.ts';

/** A refusal the page shows as it is: a code for programs and a Chinese message for people. */
export class ChatError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export type ChatRole = 'farmer' | 'officer';

/** Who is on the page and which conversation is theirs. */
export interface Thread {
  role: ChatRole;
  principal?: Principal;
  conversation: Conversation;
}

/** Officers and admins may use officer mode; an expert's or an integration's token is not for this page. */
export async function identify(app: FastifyInstance, token: string | undefined): Promise<Principal | undefined> {
  if (!token) return undefined;
  let principal: Principal | undefined;
  try {
    principal = await app.resolveToken(token);
  } catch (err) {
    throw new ChatError('internal', '暂时无法核对登录信息，请稍后再试', { cause: err });
  }
  if (!principal) throw new ChatError('invalid_token', '登录已失效或令牌不对，请重新登录');
  if (principal.role !== 'officer' && principal.role !== 'admin') {
    throw new ChatError('forbidden', '这个账号不能在聊天页使用，请用信息员账号登录');
  }
  if (principal.mustChangePassword) throw new ChatError('forbidden', '请先在管理台修改初始密码，再来使用');
  return principal;
}

/**
 * A farmer's thread is keyed by the device; an officer's by the account, so it follows them between
 * phones. The colon cannot occur in a device id, so no device can claim an officer's thread.
 */
export async function openThread(app: FastifyInstance, deviceId: string, principal?: Principal): Promise<Thread> {
  if (principal) {
    const webId = officerThreadId(creatorKey(principal));
    return { role: 'officer', principal, conversation: await findOrCreateConversation(app.db.pool, { channel: 'web', webId }) };
  }
  return { role: 'farmer', conversation: await findOrCreateConversation(app.db.pool, { channel: 'web', webId: deviceId }) };
}

/** A message from the page: whose thread it is in, and who wants to know which conversation it went to. */
export interface WebTurn extends Inbound {
  thread: Thread;
  /**
   * Told the conversation before the message is stored, with the farmer's phone for a 代问: the socket
   * follows that conversation first, so it hears the replies.
   */
  onConversation?: (conversation: Conversation, farmerPhone: string | undefined) => void;
}

/**
 * The web chat as the turn pipeline sees it. The farmer an officer asks for ("代问 13800000000 …"): that
 * turn goes into the farmer's own conversation (channel 'api' keyed by phone, as POST /api/v1/messages
 * does), so it is in the farmer's record.
 */
export function webchatChannel(pool: Queryable): ChannelAdapter<WebTurn> {
  return {
    channel: 'web',
    async conversation(m, said) {
      const farmerPhone = askedFor(m, said);
      const conversation = farmerPhone
        ? await findOrCreateConversation(pool, { channel: 'api', phone: farmerPhone, createdBy: m.thread.principal && creatorKey(m.thread.principal) })
        : m.thread.conversation;
      m.onConversation?.(conversation, farmerPhone);
      return conversation;
    },
    // An officer's words are the officer's, in their own thread or in the farmer's record (src/turns/speaker.ts).
    speaker: async (m, said, conversation) => ({
      ...speakerFor(m.thread.principal, askedFor(m, said)),
      own: conversation.id === m.thread.conversation.id,
    }),
  };
}

/** The farmer an officer's "代问 13800000000 …" names, if it names one. */
function askedFor(m: WebTurn, said: Said): string | undefined {
  if (m.thread.role !== 'officer' || said.command?.kind !== 'ask-for' || !said.command.phone) return undefined;
  const phone = normalizePhone(said.command.phone);
  return phone.ok ? phone.phone : undefined;
}

export { maskPhone } from '../../privacy/phone.ts';
