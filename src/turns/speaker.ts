import type { Principal } from '../accounts/principal.ts';
import type { Queryable } from '../db/pool.ts';
import { canSeeConversation, conversationOutOfScope, recordAskedFor, recordScopeOf } from '../conversations/scope.ts';
import type { Conversation } from '../conversations/types.ts';
import type { Speaker } from './types.ts';

/**
 * Who is speaking, decided once for every channel from the account behind the words:
 * - no account: the farmer, whom the channel itself identified (their phone, their device);
 * - an officer (信息员): always the officer, whatever conversation the words go into. An officer's words are
 *   never stored as the farmer's; `forFarmer` names the farmer they were for (代问);
 * - an administrator: the officer's role when asking for a named farmer (代问), else relaying a farmer;
 * - an integration (a bot platform): relaying its farmer's own words.
 */
export function speakerFor(principal: Principal | undefined, forFarmer?: string): Speaker {
  if (!principal) return { author: 'farmer' };
  if (principal.role === 'officer') return { author: 'officer', principal, forFarmer };
  if (principal.role === 'admin' && forFarmer) return { author: 'officer', principal, forFarmer };
  return { author: 'farmer', principal };
}

/**
 * Before anything is stored: the account may write into this conversation (src/conversations/scope.ts). An
 * officer naming a farmer (代问) is recorded first, since asking for a farmer is what brings them into the
 * officer's scope. Words with no account behind them came from the farmer's own phone or device, and words in
 * the speaker's own conversation (`own`: their phone's SMS thread, their web-chat thread) are theirs to write.
 */
export async function admit(q: Queryable, speaker: Speaker, conversation: Conversation): Promise<void> {
  const principal = speaker.principal;
  if (!principal || speaker.own) return;
  if (speaker.author === 'officer' && speaker.forFarmer) await recordAskedFor(q, principal, speaker.forFarmer);
  if (!(await canSeeConversation(q, recordScopeOf(principal), conversation))) throw conversationOutOfScope();
}
