import type pg from 'pg';
import type { Knowledge } from '../knowledge/index.ts';
import type { Principal } from '../accounts/principal.ts';
import type { Citation, Conversation, ConversationContext } from '../conversations/types.ts';
import type { Intent } from './intents.ts';
import type { SlotLexicon } from './lexicon.ts';
import type { Slots } from './slots.ts';
import type { Templates } from './templates.ts';
import type { AnswerPhraser } from './llm.ts';
import type { MachineWords } from '../data/machinery.ts';
import type { PlanFact } from '../programme/plan-facts.ts';
import type { EmergencyModel } from './emergency-model.ts';
import type { IntentModel } from './intent-model.ts';

export interface AgentDeps {
  pool: pg.Pool;
  knowledge: Knowledge;
  lexicon: SlotLexicon;
  templates: Templates;
  /** Below this retrieval score a knowledge question goes to an expert. */
  answerThreshold: number;
  /** Optional LLM that phrases answers from passages (LLM_* settings). */
  phraser?: AnswerPhraser;
  clock?: () => Date;
  /** machine types by the words people use (seeds/lexicon/machines.tsv), for machinery sharing */
  machines?: MachineWords;
  /** the 2019 plan's facts in plain words (seeds/data/plan-facts.jsonl) */
  planFacts?: readonly PlanFact[];
  /** the trained intent classifier (seeds/intents/model.json, `npm run intents:fit`) */
  intentModel?: IntentModel;
  /** the trained emergency classifier (seeds/emergency/model.json, `npm run emergency:fit`) */
  emergencyModel?: EmergencyModel;
}

export interface SkillInput {
  text: string;
  slots: Slots;
  conversation: Conversation;
  /** Working copy of the conversation's memory; skills update it and the agent saves it. */
  context: ConversationContext;
  principal?: Principal;
  now: Date;
  deps: AgentDeps;
}

export interface Escalation {
  /** emergency: safety steps were given and the ticket is urgent */
  reason: 'low_confidence' | 'farmer_asked' | 'no_data' | 'emergency';
  category: string;
  passages: { documentId: string; title: string; score: number; snippet: string }[];
}

export interface SkillResult {
  text: string;
  intent: Intent;
  confidence: number;
  citations?: Citation[];
  quickReplies?: string[];
  escalate?: Escalation;
}
