/**
 * Refit the emergency classifier and write seeds/emergency/model.json:
 *   npm run emergency:fit [-- --sweep]     (--sweep prints every threshold and veto tried)
 * Emergencies and near misses come from seeds/emergency/train.jsonl (written by someone who never saw the
 * rules); the ordinary questions of the intent training set (FAQ, headings, examples, dialogue openings) are
 * added as non-emergencies, except emergency cards' own headings and what the rules already call an emergency.
 * The threshold is the lowest that keeps false alarms, counted out of fold, under the limits below.
 * Deterministic: the same data gives the same file. The held-out sets are not read.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import path from 'node:path';
import matter from 'gray-matter';
import { normalizeText } from '../bot/normalize.ts';
import { asksAdvice, emergencyByRules } from '../bot/emergency.ts';
import { emergencyReadable, kindRead, namesSubjectOf, NOT_EMERGENCY, type EmergencyModel } from '../bot/emergency-model.ts';
import { isEmergencyKind } from '../knowledge/emergency-cards.ts';
import { labelledExamples, loadFeaturizer, readJsonl } from './examples.ts';
import { trainingQuestions } from './intent-training.ts';
import { fitCrossValidated } from './nb-fit.ts';

const { values } = parseArgs({ options: { sweep: { type: 'boolean', default: false } } });
const ROOT = process.cwd();
const SEEDS = path.join(ROOT, 'seeds');
/**
 * False alarms allowed, out of fold. Near misses share an emergency's words ("咋预防浮头"): an alarm there
 * costs an expert's time and gives safety steps nobody needed, a miss costs a pond or a life, so the limit
 * is not tight. The ordinary questions are noisy as negatives (a FAQ question like "打药时药水溅到眼睛里了"
 * is an emergency), yet a FAQ question read as an emergency loses its answer, so their limit is tight.
 */
const MAX_NEAR_MISS_ALARMS = 0.1;
const MAX_ORDINARY_ALARMS = 0.01;

interface Row { text: string; label: string; ordinary?: boolean }
const trainFile = path.join(SEEDS, 'emergency', 'train.jsonl');
const rows: Row[] = (await readJsonl<{ text?: unknown; kind?: unknown }>(trainFile)).map((row, i) => {
  if (typeof row.text !== 'string' || !(row.kind === NOT_EMERGENCY || isEmergencyKind(row.kind))) {
    throw new Error(`${trainFile} 第 ${i + 1} 行：需要 text 和 kind（六种紧急情况之一或 none）`);
  }
  return { text: row.text, label: row.kind as string };
});

const cardSources = new Set<string>();
const ordinary = await trainingQuestions(ROOT);
for (const source of new Set(ordinary.map((q) => q.source))) {
  if (source.endsWith('.md') && matter(await readFile(path.join(ROOT, source), 'utf8')).data.emergency) cardSources.add(source);
}
for (const q of ordinary) {
  if (!cardSources.has(q.source) && !emergencyByRules(normalizeText(q.text))) rows.push({ text: q.text, label: NOT_EMERGENCY, ordinary: true });
}

// An emergency's words are one example, whatever the labels it was given (the first one counts).
// The classifier reads a message without its what-to-do ending, as the agent gives it (emergencyReadable).
const featurize = await loadFeaturizer(SEEDS);
const examples = labelledExamples(rows, (t) => featurize(emergencyReadable(t)), 'text').map((e) => ({ ...e, ordinary: Boolean(e.row.ordinary) }));
const texts = examples.map((e) => e.text);

const fitted = fitCrossValidated(examples);
const byRules = texts.map((t) => emergencyByRules(t));

/** The combined decision (as detectEmergency makes it) for every example, out of fold. */
function decisions(threshold: number, veto: number): (string | undefined)[] {
  return fitted.outOfFold.map((o, i) => {
    const none = o.ranked.find((r) => r.intent === NOT_EMERGENCY)?.probability ?? 0;
    const top = o.ranked[0];
    const read = isEmergencyKind(top.intent) ? kindRead(top.intent, texts[i]) : undefined;
    const kind = read && top.probability >= threshold && namesSubjectOf(read, texts[i]) ? read : undefined;
    if (asksAdvice(texts[i])) return undefined;
    return byRules[i] && none < veto ? byRules[i] : kind;
  });
}
function rates(threshold: number, veto: number) {
  const d = decisions(threshold, veto);
  const share = (pick: (i: number) => boolean, hit: (i: number) => boolean) => {
    const idx = examples.map((_, i) => i).filter(pick);
    return +(idx.filter(hit).length / Math.max(1, idx.length)).toFixed(3);
  };
  const real = (i: number) => examples[i].intent !== NOT_EMERGENCY;
  return {
    threshold, veto,
    recall: share(real, (i) => Boolean(d[i])),
    rightKind: share(real, (i) => d[i] === examples[i].intent),
    nearMissAlarms: share((i) => !real(i) && !examples[i].ordinary, (i) => Boolean(d[i])),
    ordinaryAlarms: share((i) => !real(i) && examples[i].ordinary, (i) => Boolean(d[i])),
  };
}
const sweep = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95].flatMap((t) => [0.5, 0.7, 0.9, 0.95, 0.99, 1].map((v) => rates(t, v)));
const allowed = sweep.filter((r) => r.nearMissAlarms <= MAX_NEAR_MISS_ALARMS && r.ordinaryAlarms <= MAX_ORDINARY_ALARMS);
// Within the limits, the most emergencies found with the right kind, less the share of near misses alarmed.
// Counted so, an alarm weighs a little less than a miss (there are more near misses than emergencies); at half
// weight the fit chose a veto that let most rule alarms through ("为啥一到换季鱼就爱浮头").
const worth = (r: (typeof sweep)[number]) => r.rightKind - r.nearMissAlarms;
const chosen = allowed.sort((a, b) => worth(b) - worth(a) || b.threshold - a.threshold)[0];
if (!chosen) throw new Error('没有一个阈值能把误报压到上限以内：请补充训练数据（seeds/emergency/train.jsonl）');

const model: EmergencyModel = { version: 1, classifier: fitted.model, threshold: chosen.threshold, veto: chosen.veto };
const out = path.join(SEEDS, 'emergency', 'model.json');
await writeFile(out, `${JSON.stringify(model)}\n`);
const perClass = Object.fromEntries(fitted.model.classes.map((c) => [c, examples.filter((e) => e.intent === c).length]));
const rulesAlone = rates(2, 2);
console.log(JSON.stringify({
  wrote: path.relative(ROOT, out), examples: examples.length, perClass, ordinaryNegatives: examples.filter((e) => e.ordinary).length,
  alpha: fitted.alpha, temperature: fitted.temperature, outOfFold: { rulesAlone, chosen }, sweep: values.sweep ? sweep : undefined,
}, null, 2));
