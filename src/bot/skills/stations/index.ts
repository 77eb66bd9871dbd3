import type { SkillInput, SkillResult } from '../../skill.ts';
import type { ServiceIntent } from './intents.ts';
import { machinerySkill, stepMachineryPost } from './machinery.ts';
import { orderSkill, stepOrder } from './orders.ts';
import { stepSignup, trainingSkill } from './trainings.ts';

export { classifyService, isServicePending, SERVICE_INTENTS, startsMachinePost, type ServiceIntent } from './intents.ts';

/** The station services' skills: machinery sharing, 代购 orders, trainings. */
export function stationServiceSkill(intent: ServiceIntent, input: SkillInput): Promise<SkillResult> {
  switch (intent) {
    case 'machinery': return machinerySkill(input);
    case 'order': return orderSkill(input);
    case 'training': return trainingSkill(input);
  }
}

/** One step of a service's guided exchange (context.pending.kind is one of SERVICE_PENDING). */
export function stepService(input: SkillInput): Promise<SkillResult> {
  switch (input.context.pending!.kind) {
    case 'machinery': return stepMachineryPost(input);
    case 'order': return stepOrder(input);
    default: return stepSignup(input);
  }
}
