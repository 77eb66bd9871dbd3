import type { DefaultIntegration, z } from '@botpress/sdk';
import type * as s from './schemas.ts';

type Of<T extends z.ZodTypeAny> = z.infer<T>;

/** The integration's types, inferred from the same schemas the definition declares (what `bp gen` would write). */
export type Yinong = DefaultIntegration<{
  name: 'yinong-assistant';
  version: '0.1.0';
  configuration: Of<typeof s.configuration>;
  actions: {
    askAssistant: { input: Of<typeof s.askAssistantInput>; output: Of<typeof s.askAssistantOutput> };
    searchKnowledge: { input: Of<typeof s.searchKnowledgeInput>; output: Of<typeof s.searchKnowledgeOutput> };
    createUser: { input: Of<typeof s.createUserInput>; output: Of<typeof s.createUserOutput> };
    startHitl: { input: Of<typeof s.startHitlInput>; output: Of<typeof s.startHitlOutput> };
    stopHitl: { input: Of<typeof s.stopHitlInput>; output: Of<typeof s.stopHitlOutput> };
  };
  channels: {
    hitl: {
      messages: { text: Of<typeof s.hitlText> };
      message: { tags: { id: string } };
      conversation: { tags: { id: string } };
    };
  };
  events: {
    hitlAssigned: Of<typeof s.hitlAssigned>;
    hitlStopped: Of<typeof s.hitlStopped>;
    expertAnswer: Of<typeof s.expertAnswer>;
  };
  states: {
    delivery: { type: 'integration'; payload: Of<typeof s.deliveryState> };
    yinong: { type: 'conversation'; payload: Of<typeof s.conversationState> };
    hitl: { type: 'conversation'; payload: Of<typeof s.hitlState> };
  };
  user: { tags: { id: string } };
}>;

export type Configuration = Of<typeof s.configuration>;
