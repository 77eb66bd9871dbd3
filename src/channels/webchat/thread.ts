import type { FastifyInstance } from 'fastify';
import { parseCommand } from '../../bot/commands.ts';
import { normalizeText } from '../../bot/normalize.ts';
import { normalizePhone } from '../../data/index.ts';
import { findOrCreateConversation } from '../../conversations/store.ts';
import { creatorKey, recordAskedFor } from '../../conversations/scope.ts';
import type { Conversation } from '../../conversations/types.ts';
import type { TurnOutcome } from '../../bot/index.ts';
import type { Principal } from '../../http/auth.ts';
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
  return principal;
}

/**
 * A farmer's thread is keyed by the device; an officer's by the account, so it follows them between
 * phones. The colon cannot occur in a device id, so no device can claim an officer's thread.
 */
export async function openThread(app: FastifyInstance, deviceId: string, principal?: Principal): Promise<Thread> {
  if (principal) {
    const webId = `officer:${principal.userId ?? principal.name}`;
    return { role: 'officer', principal, conversation: await findOrCreateConversation(app.db.pool, { channel: 'web', webId }) };
  }
  return { role: 'farmer', conversation: await findOrCreateConversation(app.db.pool, { channel: 'web', webId: deviceId }) };
}

/**
 * The farmer an officer asks for ("代问 13800000000 …"): that turn goes into the farmer's own conversation
 * (channel 'api' keyed by phone, as POST /api/v1/messages does), so it is in the farmer's record.
 */
export function askForPhone(thread: Thread, text: string): string | undefined {
  if (thread.role !== 'officer') return undefined;
  const command = parseCommand(normalizeText(text));
  if (command?.kind !== 'ask-for' || !command.phone) return undefined;
  const phone = normalizePhone(command.phone);
  return phone.ok ? phone.phone : undefined;
}

export async function conversationFor(app: FastifyInstance, thread: Thread, farmerPhone: string | undefined): Promise<Conversation> {
  if (!farmerPhone) return thread.conversation;
  if (thread.principal) await recordAskedFor(app.db.pool, thread.principal, farmerPhone);
  return findOrCreateConversation(app.db.pool, { channel: 'api', phone: farmerPhone, createdBy: thread.principal && creatorKey(thread.principal) });
}

/** One turn through the agent; the client id makes a resend after a dropped connection a no-op. */
export function runTurn(
  app: FastifyInstance,
  thread: Thread,
  conversation: Conversation,
  turn: { clientId: string; text: string },
): Promise<TurnOutcome> {
  return app.agent.handle({
    conversationId: conversation.id,
    text: turn.text,
    author: thread.role === 'officer' ? 'officer' : 'farmer',
    principal: thread.principal,
    channelMessageId: turn.clientId,
  });
}

export { maskPhone } from '../../privacy/phone.ts';
