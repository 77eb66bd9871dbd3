import type { Slots } from './slots.ts';
import { isJustSlots } from './text-checks.ts';

/** "俺是金乡县的", "我家在羊山镇": the farmer says where they live, not what they ask about. */
const SAYS_OWN_PLACE = /(我|俺|咱)(们|家|们家)?(就)?(是|在|住在?|家在|这儿是|这里是|这边是|老家是?)/;

/**
 * The county to remember as the farmer's own: only when the message says where the farmer is ("俺是金乡县的",
 * or a bare place answering "您是哪个县的"). A county named in a question ("嘉祥县有招工的吗") is that
 * question's, and must not follow the farmer into later questions and tickets.
 */
export function ownCounty(text: string, slots: Slots): string | undefined {
  if (!slots.county) return undefined;
  if (!slots.commodity && isJustSlots(text, slots)) return slots.county;
  return SAYS_OWN_PLACE.test(text) ? slots.county : undefined;
}
