import { randomUUID } from 'node:crypto';
import { RuntimeError, type IntegrationProps } from '@botpress/sdk';
import { webIdOf } from './ids.ts';
import { deliveryOf, readState, writeState, type Client } from './state.ts';
import type { Yinong } from './types.ts';
import { YinongApi } from './yinong-api.ts';

type Props = IntegrationProps<Yinong>;

/** The HITL session's voice for our side before an expert speaks (the wait, the queue). */
export const TEAM_USER_TAG = 'yinong-team';

/** The Botpress user an expert (or our team) speaks as in the HITL conversation. */
export async function expertUser(client: Client, name: string | null): Promise<string> {
  const { user } = await client.getOrCreateUser({
    tags: { id: name ? `expert:${name}` : TEAM_USER_TAG },
    name: name ? `${name}（益农专家）` : '益农专家团队',
  });
  return user.id;
}

interface HistoryMessage {
  source: { type: 'user'; userId: string } | { type: 'bot' };
  type: string;
  payload: Record<string, unknown>;
}

/** The conversation so far as our ticket shows it: text as written, anything else named by its type. */
function transcriptOf(history: HistoryMessage[] = []) {
  return history
    .map((m) => ({
      from: m.source.type === 'user' ? ('farmer' as const) : ('bot' as const),
      text: typeof m.payload.text === 'string' && m.payload.text.trim() ? m.payload.text : `[${m.type}]`,
    }))
    .slice(-50);
}

/** HITL createUser: the farmer as the handoff session knows them. */
export const createUser: Props['actions']['createUser'] = async ({ client, input }) => {
  const { user } = await client.getOrCreateUser({
    tags: { id: randomUUID() },
    ...(input.name ? { name: input.name } : {}),
    ...(input.pictureUrl ? { pictureUrl: input.pictureUrl } : {}),
  });
  return { userId: user.id };
};

interface HandoffOpened {
  conversationId: string;
  ticketId: string;
  status: string;
  assignee: string | null;
  wait: string;
}

/**
 * HITL startHitl: a conversation on the hitl channel and, for it, a ticket in our expert inbox with the
 * conversation so far. The farmer is told who has it and by when; hitlAssigned follows when an expert has it.
 */
export const startHitl: Props['actions']['startHitl'] = async ({ ctx, client, input }) => {
  const delivery = await deliveryOf(client, ctx.integrationId);
  const { user } = await client.getUser({ id: input.userId });
  const { conversation } = await client.getOrCreateConversation({ channel: 'hitl', tags: { id: randomUUID() } });
  const opened = await new YinongApi(ctx.configuration).call<HandoffOpened>('POST', '/api/v1/integration/handoffs', {
    webhookId: delivery.webhookId, externalId: conversation.id, externalUserId: input.userId,
    webId: webIdOf(ctx.botId, `user:${user.tags.id ?? user.id}`),
    title: input.title, ...(input.description ? { description: input.description } : {}),
    transcript: transcriptOf(input.messageHistory as HistoryMessage[] | undefined),
    ...(ctx.configuration.category ? { category: ctx.configuration.category } : {}),
    ...(ctx.configuration.county ? { county: ctx.configuration.county } : {}),
  });
  const assignedTo = opened.assignee ? await expertUser(client, opened.assignee) : undefined;
  await writeState(client, 'conversation', conversation.id, 'hitl', {
    ticketId: opened.ticketId, yinongConversationId: opened.conversationId, stopped: false,
    ...(assignedTo ? { assignedTo } : {}),
  });
  if (opened.wait) {
    await client.createMessage({
      conversationId: conversation.id, userId: await expertUser(client, null), type: 'text',
      payload: { text: `已为您转给农技专家，${opened.wait}。` }, tags: {},
    });
  }
  if (assignedTo) await client.createEvent({ type: 'hitlAssigned', payload: { conversationId: conversation.id, userId: assignedTo } });
  return { conversationId: conversation.id };
};

/** HITL stopHitl: the ticket closes and the conversation goes back to the bot. Stopping twice is one stop. */
export const stopHitl: Props['actions']['stopHitl'] = async ({ ctx, client, input }) => {
  const session = await readState(client, 'conversation', input.conversationId, 'hitl');
  if (!session) throw new RuntimeError(`会话 ${input.conversationId} 不是益农助手的转人工会话`);
  if (session.stopped) return {};
  const delivery = await deliveryOf(client, ctx.integrationId);
  await new YinongApi(ctx.configuration).call('POST', `/api/v1/integration/handoffs/${session.ticketId}/close`, {
    webhookId: delivery.webhookId, reason: input.reason ?? 'cancel',
  });
  await writeState(client, 'conversation', input.conversationId, 'hitl', { ...session, stopped: true });
  return {};
};

/** What the farmer writes during the session reaches the expert's ticket. */
export const hitlText: Props['channels']['hitl']['messages']['text'] = async ({ ctx, client, conversation, message, payload, logger }) => {
  const session = await readState(client, 'conversation', conversation.id, 'hitl');
  if (!session) throw new RuntimeError(`会话 ${conversation.id} 不是益农助手的转人工会话`);
  if (session.stopped) {
    logger.forBot().warn(`转人工会话 ${conversation.id} 已结束，这条消息没有转给专家`);
    return;
  }
  const delivery = await deliveryOf(client, ctx.integrationId);
  await new YinongApi(ctx.configuration).call('POST', `/api/v1/integration/handoffs/${session.ticketId}/messages`, {
    webhookId: delivery.webhookId, text: payload.text, messageId: message.id,
  });
};
