import type { Category } from '../../knowledge/categories.ts';
import type { SearchHit } from '../../knowledge/retriever.ts';
import { answerKindsOf, answers, speciesMatch } from '../../knowledge/answer-type.ts';
import type { ChineseTokenizer } from '../../knowledge/tokenizer.ts';
import { failedCheck, probability } from '../../knowledge/confidence.ts';
import { answerFromPassage, citationOf } from '../compose.ts';
import type { Intent } from '../intents.ts';
import { isClearlyOffTopic } from '../scope.ts';
import { cardStepsFor } from '../emergency.ts';
import { fill } from '../templates.ts';
import { expertCategory, NOT_A_SPECIES } from '../expert-team.ts';
import type { SkillInput, SkillResult } from '../skill.ts';

/** The general name of the water animals: one character, so the search's species check does not read it. */
const GENERAL_SPECIES = ['鱼'];

/**
 * The passages fit to show as related material: none about another species than the one asked ("猪身上有寄生虫"
 * is never shown the fish parasites of "常见鱼病防治"). The search's own check, and the same check with the
 * general names too (鱼 in a title); a general name inside the asked one (鱼 in 草鱼) is no other species.
 */
export function sameSpecies(hits: SearchHit[], question: string, tokenizer: ChineseTokenizer): SearchHit[] {
  const text = question.replace(NOT_A_SPECIES, ' ');
  const all = [...tokenizer.commodities(), ...GENERAL_SPECIES];
  const names = (c: string) => [c, ...tokenizer.aliasesOf(c)];
  const asked = all.filter((c) => names(c).some((n) => text.includes(n)));
  const askedNames = asked.flatMap(names);
  const others = all.filter((c) => !asked.includes(c) && !askedNames.some((n) => names(c).some((o) => n.includes(o))));
  return hits.filter((h) => h.failed !== 'species' && speciesMatch(asked, h.content, others, names, [h.title, ...h.headingPath].join('\n')) !== false);
}

/**
 * The rules guess agronomy when nothing else fits; the passage that answers tells better what the question
 * was about (a question answered from the programme documents is a programme question).
 */
function intentOf(guess: Intent, category: Category): Intent {
  if (guess !== 'agronomy' && guess !== 'programme') return guess;
  if (category === 'programme' || category === 'training') return 'programme';
  if (category === 'service') return 'service';
  if (category === 'policy') return 'policy';
  if (category === 'labor') return 'labor';
  if (category === 'market') return 'price';
  return guess === 'programme' && category === 'faq' ? 'programme' : guess;
}

const INTENT_CATEGORIES: Partial<Record<Intent, Category[]>> = {
  policy: ['policy', 'programme', 'service', 'faq'],
  programme: ['programme', 'service', 'training', 'faq'],
  service: ['service', 'programme', 'faq'],
};

/**
 * Answer from the knowledge base: the best passage, trimmed to whole sentences, with its citation; or an
 * honest handover when the best passage does not cover the question well enough.
 */
export async function knowledgeSkill(input: SkillInput, asked: Intent, opts: { more?: boolean } = {}): Promise<SkillResult> {
  let intent = asked;
  const { deps, context } = input;
  const question = opts.more && context.lastQuestion ? context.lastQuestion : input.text;
  const county = input.slots.county ?? input.conversation.county ?? undefined;
  const categories = INTENT_CATEGORIES[intent];
  // "还有别的办法吗" may be answered by the next section of the same document: keep every passage then.
  let hits = await deps.knowledge.retriever.search(question, { limit: 6, county, categories, perDocument: !opts.more });
  if (categories && (hits[0]?.confidence ?? 0) < deps.answerThreshold) {
    // The rules' guess of a category can be wrong: look everywhere before giving up.
    const wider = await deps.knowledge.retriever.search(question, { limit: 6, county });
    if ((wider[0]?.confidence ?? 0) > (hits[0]?.confidence ?? 0)) hits = wider;
  }
  const shown = new Set(opts.more ? (context.shownChunks ?? []) : []);
  const fresh = hits.filter((h) => !shown.has(h.chunkId));
  const best = fresh[0];
  // The reply's confidence is the calibrated probability that this passage answers the question.
  let confidence = best ? best.confidence : 0;
  let failed = best?.failed;
  const wanted = answerKindsOf(question);
  let addition: string | undefined;
  // Only the steps asked for ("咋治") are read from a neighbouring section. A definition, a list, a time or an
  // amount must be in the passage itself: a neighbour that says "是…的" does not define the asked term
  // ("什么是测土配方施肥" answered with wheat fertiliser rates), and a neighbour's figure is of something else
  // ("藕田水放多深" answered with a pesticide note and a dose).
  const rescuable = wanted.filter((k) => k === 'treatment');
  if (best && failed === 'answer_kind' && best.format === 'markdown' && rescuable.length) {
    // The passage names the problem but the answer asked for ("咋治") sits in a later section under the same
    // heading ("草鱼老三病 › 治疗思路"): with that section the passage answers, so it is read only when the
    // passage would then be good enough.
    const withSection = { ...best.checks, kindMatch: true };
    if (!failedCheck(withSection) && probability(withSection) >= deps.answerThreshold) {
      const siblings = await deps.knowledge.store.chunksOf(best.documentId);
      const parent = best.headingPath.slice(0, -1).join('›');
      // of the sections that hold the asked kind, the one sharing most of the question's wording
      const grams = [...new Set(Array.from({ length: Math.max(0, question.length - 1) }, (_, i) => question.slice(i, i + 2)))];
      const next = siblings
        .filter((c) => c.chunkId !== best.chunkId && c.headingPath.slice(0, -1).join('›') === parent && rescuable.some((k) => answers(k, c.content)))
        .map((c) => ({ c, shared: grams.filter((g) => [...c.headingPath, c.content].join('\n').includes(g)).length }))
        .sort((a, b) => b.shared - a.shared)[0]?.c;
      if (next) {
        addition = next.content;
        confidence = Math.round(probability(withSection) * 10000) / 10000;
        failed = undefined;
      }
    }
  }
  const passages = sameSpecies(hits, question, deps.knowledge.tokenizer).slice(0, 3).map((h) => ({ documentId: h.documentId, title: h.title, score: h.score, snippet: h.snippet }));

  if (opts.more) {
    if (!best || failed || confidence < deps.answerThreshold * 0.9) {
      return { text: fill(deps.templates, 'nothing_more'), intent, confidence: 0.9, quickReplies: ['转人工'] };
    }
  } else if (!best || failed || confidence < deps.answerThreshold) {
    // Only what is clearly neither farming nor rural life is turned away; the rest goes to an expert.
    if (intent === 'agronomy' && isClearlyOffTopic(input.text, input.slots, best?.score ?? 0)) {
      return { text: fill(deps.templates, 'out_of_scope'), intent: 'unknown', confidence: 1 - confidence, quickReplies: ['帮助'] };
    }
    context.lastQuestion = input.text;
    return {
      text: '',
      intent,
      confidence,
      escalate: { reason: 'low_confidence', category: expertCategory(intent, hits, input.text, deps.lexicon), passages },
    };
  }

  const chosen = best!;
  intent = intentOf(intent, chosen.category);
  let text = answerFromPassage(chosen);
  if (addition) text = `${text}\n${addition}`;
  const citations = [citationOf(chosen)];
  // An answer from an emergency card opens with the card's first steps, whichever section the search ranked first.
  const steps = await cardStepsFor(deps.pool, chosen, question);
  if (steps) {
    context.lastQuestion = question;
    context.shownChunks = [...shown, chosen.chunkId];
    return { text: `${steps}\n${text}`, intent, confidence, citations, quickReplies: ['转人工'] };
  }
  if (deps.phraser) {
    const phrased = await deps.phraser.phrase(question, fresh.slice(0, 3));
    if (phrased === 'not_in_passages') {
      context.lastQuestion = input.text;
      return {
        text: '', intent, confidence: Math.min(confidence, deps.answerThreshold - 0.01),
        escalate: { reason: 'low_confidence', category: expertCategory(intent, hits, input.text, deps.lexicon), passages },
      };
    }
    if (phrased) {
      text = phrased.text;
      citations.splice(0, citations.length, ...phrased.cited.map(citationOf));
    }
  }
  context.lastQuestion = question;
  context.shownChunks = [...shown, chosen.chunkId];
  return { text, intent, confidence, citations, quickReplies: ['还有别的办法吗', '转人工'] };
}
