import type { IntegrationProps } from '@botpress/sdk';
import { webIdOf } from './ids.ts';
import { deliveryOf, readState, writeState } from './state.ts';
import type { Yinong } from './types.ts';
import { YinongApi } from './yinong-api.ts';

type Actions = IntegrationProps<Yinong>['actions'];

interface Reply {
  text: string;
  intent: string;
  confidence: number;
  citations: { documentId: string; title: string; source?: string; snippet: string }[];
  escalated: boolean;
  ticketId?: string;
}

/**
 * One farmer turn through our assistant. The Botpress conversation has one conversation on our side (kept
 * in its state), linked to this installation's webhook, so follow-ups keep their context and an expert's
 * later answer to an escalated question comes back as an `expertAnswer` event.
 */
export const askAssistant: Actions['askAssistant'] = async ({ ctx, client, input }) => {
  const api = new YinongApi(ctx.configuration);
  const known = await readState(client, 'conversation', input.conversationId, 'yinong');
  let ours = known?.yinongConversationId;
  if (!ours) {
    const delivery = await deliveryOf(client, ctx.integrationId);
    const linked = await api.call<{ conversationId: string }>('POST', '/api/v1/integration/conversations', {
      webhookId: delivery.webhookId, externalId: input.conversationId, externalUserId: input.userId,
      webId: webIdOf(ctx.botId, `conversation:${input.conversationId}`), ...(input.phone ? { phone: input.phone } : {}),
    });
    ours = linked.conversationId;
    await writeState(client, 'conversation', input.conversationId, 'yinong', { ...known, yinongConversationId: ours });
  }
  const { replies } = await api.call<{ replies: Reply[] }>('POST', '/api/v1/messages', {
    text: input.text, conversationId: ours,
  });
  const first = replies[0];
  return {
    text: replies.map((r) => r.text).join('\n\n'),
    intent: first?.intent ?? 'unknown',
    confidence: first?.confidence ?? 0,
    citations: replies.flatMap((r) => r.citations),
    escalated: replies.some((r) => r.escalated),
    ...(replies.find((r) => r.ticketId) ? { ticketId: replies.find((r) => r.ticketId)!.ticketId } : {}),
    conversationId: ours,
  };
};

interface Hit {
  documentId: string;
  title: string;
  snippet: string;
  score: number;
  category: string;
  county: string | null;
  source: string | null;
}

export const searchKnowledge: Actions['searchKnowledge'] = async ({ ctx, input }) => {
  const query = new URLSearchParams({ q: input.query });
  if (input.limit) query.set('limit', String(input.limit));
  if (input.category) query.set('category', input.category);
  if (input.county) query.set('county', input.county);
  const { hits } = await new YinongApi(ctx.configuration).call<{ hits: Hit[] }>('GET', `/api/v1/kb/search?${query}`);
  return {
    hits: hits.map((h) => ({
      documentId: h.documentId, title: h.title, snippet: h.snippet, score: h.score, category: h.category,
      county: h.county ?? null, source: h.source ?? null,
    })),
  };
};
