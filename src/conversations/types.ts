export type Channel = 'web' | 'sms' | 'api';
export type Author = 'farmer' | 'bot' | 'expert' | 'officer' | 'system';

export interface Citation {
  documentId: string;
  title: string;
  source?: string;
  snippet: string;
  /** Said to the farmer with the citation, in plain Chinese (e.g. that the document is past its review date). */
  notice?: string;
}

export interface Message {
  id: string;
  conversationId: string;
  author: Author;
  authorId: string | null;
  text: string;
  intent: string | null;
  slots: Record<string, unknown>;
  confidence: number | null;
  citations: Citation[];
  quickReplies: string[];
  escalated: boolean;
  channelMessageId: string | null;
  replyTo: string | null;
  createdAt: string;
}

export interface Conversation {
  id: string;
  channel: Channel;
  farmerPhone: string | null;
  webId: string | null;
  county: string | null;
  context: ConversationContext;
  mode: 'bot' | 'expert';
  optedOut: boolean;
}

/** What the agent remembers between turns. */
export interface ConversationContext {
  lastIntent?: string;
  lastSlots?: Record<string, unknown>;
  lastQuestion?: string;
  /** Passages already shown for the last knowledge question, for "还有别的办法吗". */
  shownChunks?: string[];
  /** A guided exchange in progress (posting a price, a labour or a supply post). */
  pending?: { kind: string; fields: Record<string, unknown>; awaiting?: string; confirm?: boolean };
  /** A clarifying question asked: the next answer fills this slot. */
  clarify?: { intent: string; slot: string; slots: Record<string, unknown>; question: string };
  /** The rest of a long answer for "回复1看更多". */
  more?: string;
  /** The farmer a 信息员 is asking for. */
  onBehalfOf?: string;
  /** What the station services remember (src/bot/skills/stations): the last list shown, an offer to post 求租, the phone given. */
  services?: Record<string, unknown>;
}
