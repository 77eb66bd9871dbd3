import type pg from 'pg';
import type { Config } from '../config.ts';
import type { Knowledge } from '../knowledge/index.ts';
import { Agent } from './agent.ts';
import { loadSlotLexicon } from './lexicon.ts';
import { LlmPhraser } from './llm.ts';
import { loadTemplates } from './templates.ts';
import { loadMachineWords } from '../data/machine-words.ts';
import { loadPlanFacts } from '../programme/plan-facts.ts';
import { loadIntentModel } from './intent-model-file.ts';
import { loadEmergencyModel } from './emergency-model-file.ts';

export { Agent, read, type Decision, type Said } from './agent.ts';
export type { SkillResult } from './skill.ts';

/** The agent with its lexicon, templates and (when configured) the LLM phraser, all loaded once at start. */
export async function createAgent(
  config: Config,
  deps: {
    pool: pg.Pool;
    knowledge: Knowledge;
    /** fixed time for tests and evaluations; default the real clock */
    clock?: () => Date;
    log?: (msg: string, err?: unknown) => void;
  },
): Promise<Agent> {
  const [lexicon, templates, machines, planFacts, intentModel, emergencyModel] = await Promise.all([
    loadSlotLexicon(config.SEEDS_DIR), loadTemplates(config.PROMPTS_DIR), loadMachineWords(config.SEEDS_DIR), loadPlanFacts(config.SEEDS_DIR),
    loadIntentModel(config.SEEDS_DIR), loadEmergencyModel(config.SEEDS_DIR),
  ]);
  const phraser =
    config.LLM_BASE_URL && config.LLM_MODEL
      ? await LlmPhraser.create(
          { baseUrl: config.LLM_BASE_URL, model: config.LLM_MODEL, apiKey: config.LLM_API_KEY, timeoutMs: config.LLM_TIMEOUT_MS, promptsDir: config.PROMPTS_DIR },
          deps.log,
        )
      : undefined;
  return new Agent({
    pool: deps.pool,
    knowledge: deps.knowledge,
    lexicon,
    templates,
    machines,
    planFacts,
    intentModel,
    emergencyModel,
    answerThreshold: config.ANSWER_THRESHOLD,
    phraser,
    clock: deps.clock,
  });
}
