import { Integration } from '@botpress/sdk';
import { askAssistant, searchKnowledge } from './ask.ts';
import { createUser, hitlText, startHitl, stopHitl } from './hitl.ts';
import { register, unregister } from './setup.ts';
import type { Yinong } from './types.ts';
import { handler } from './webhook.ts';

export default new Integration<Yinong>({
  register,
  unregister,
  handler,
  actions: { askAssistant, searchKnowledge, createUser, startHitl, stopHitl },
  channels: { hitl: { messages: { text: hitlText } } },
});
