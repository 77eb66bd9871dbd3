import { z } from '@botpress/sdk';

// Every schema of the integration, in one place: the definition declares them, the implementation's types
// are inferred from them, so the two cannot drift apart.

export const configuration = z.object({
  baseUrl: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//i.test(u), '应以 http:// 或 https:// 开头')
    .describe('益农助手服务器的地址，例如 https://yinong.example.gov.cn'),
  token: z.string().min(16, '集成令牌至少 16 个字符').describe('服务器 INTEGRATION_TOKENS 里的一个令牌'),
  category: z.string().optional().describe('转人工时默认的专家类别（粮食作物、蔬菜、畜牧……），不填则按问题分'),
  county: z.string().optional().describe('这个机器人服务的区县（例如 金乡县），转人工时按区县派给专家'),
});

const citation = z.object({
  documentId: z.string(),
  title: z.string(),
  source: z.string().optional(),
  snippet: z.string(),
});

export const askAssistantInput = z.object({
  text: z.string().min(1).max(2000).describe('农户的问题'),
  userId: z.string().min(1).describe('Botpress 用户编号'),
  conversationId: z.string().min(1).describe('Botpress 会话编号：同一个会话的追问带着上下文'),
  phone: z.string().optional().describe('农户手机号（可选）'),
});

export const askAssistantOutput = z.object({
  text: z.string(),
  intent: z.string(),
  confidence: z.number(),
  citations: z.array(citation),
  escalated: z.boolean(),
  ticketId: z.string().optional(),
  conversationId: z.string().describe('益农助手的会话编号'),
});

export const searchKnowledgeInput = z.object({
  query: z.string().min(1).max(500),
  limit: z.number().int().min(1).max(50).optional(),
  category: z.string().optional().describe('agronomy, livestock, aquaculture, policy, market …，逗号分隔'),
  county: z.string().optional(),
});

export const searchKnowledgeOutput = z.object({
  hits: z.array(
    z.object({
      documentId: z.string(),
      title: z.string(),
      snippet: z.string(),
      score: z.number(),
      category: z.string(),
      county: z.string().nullable(),
      source: z.string().nullable(),
    }),
  ),
});

// The `hitl` interface (Botpress's interfaces/hitl): createUser, startHitl, stopHitl, the hitl channel and
// the hitlAssigned / hitlStopped events, in its shape.
const messageSource = z.union([z.object({ type: z.literal('user'), userId: z.string() }), z.object({ type: z.literal('bot') })]);
const historyMessage = z.object({ source: messageSource, type: z.string(), payload: z.record(z.any()) });

export const createUserInput = z.object({
  name: z.string().optional(),
  pictureUrl: z.string().optional(),
  email: z.string().optional(),
});
export const createUserOutput = z.object({ userId: z.string() });

export const startHitlInput = z.object({
  userId: z.string(),
  title: z.string(),
  description: z.string().optional(),
  messageHistory: z.array(historyMessage).optional().describe('Message history to display in the HITL session'),
});
export const startHitlOutput = z.object({ conversationId: z.string() });

export const stopHitlInput = z.object({
  conversationId: z.string(),
  reason: z.enum(['timeout', 'cancel']).optional(),
});
export const stopHitlOutput = z.object({});

export const hitlText = z.object({
  text: z.string().min(1),
  userId: z.string().optional().describe('Allows sending a message pretending to be a certain user'),
});

export const hitlAssigned = z.object({ conversationId: z.string(), userId: z.string() });
export const hitlStopped = z.object({ conversationId: z.string() });

/** An expert's later answer in a conversation the bot asked through askAssistant. */
export const expertAnswer = z.object({
  conversationId: z.string().describe('Botpress 会话编号'),
  userId: z.string().optional(),
  text: z.string(),
  expertName: z.string().nullable(),
  ticketId: z.string().nullable(),
});

/** The webhook our server delivers to, and the secret its deliveries are signed with. */
export const deliveryState = z.object({ webhookId: z.string(), secret: z.string(), webhookUrl: z.string() });
/** A Botpress conversation's conversation on our side. */
export const conversationState = z.object({
  yinongConversationId: z.string(),
  /** the last deliveries turned into expertAnswer events: a resent one is not a second event */
  delivered: z.array(z.string()).optional(),
});
/** A HITL session: its ticket, and whether it has ended. */
export const hitlState = z.object({
  ticketId: z.string(),
  yinongConversationId: z.string(),
  stopped: z.boolean(),
  /** the Botpress user of the expert who has it, once one has */
  assignedTo: z.string().optional(),
});
