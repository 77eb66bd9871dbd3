import type { Queryable } from '../../db/pool.ts';
import { canSeeFarmer, farmerOutOfScope, recordScopeOf } from '../../conversations/scope.ts';
import { farmerHistory } from './history.ts';
import type { ServerFrame } from './protocol.ts';
import type { Thread } from './thread.ts';

/**
 * The answer to a `history` frame: a farmer's earlier questions and answers for a signed-in officer who may
 * see that farmer (the one scope predicate), else the refusal.
 */
export async function historyFrame(q: Queryable, thread: Thread | undefined, phone: string): Promise<ServerFrame> {
  if (thread?.role !== 'officer') {
    return { type: 'error', code: 'forbidden', message: '只有信息员登录后才能查看农户记录' };
  }
  const normalized = phone.replace(/^\+?86/, '');
  if (!(await canSeeFarmer(q, recordScopeOf(thread.principal), normalized))) {
    return { type: 'error', code: 'forbidden', message: farmerOutOfScope().message };
  }
  return { type: 'history', phone: normalized, messages: await farmerHistory(q, normalized) };
}
