/**
 * The emergency detector on the held-out sets (written by someone who never saw the rules or the training
 * messages), rules alone beside rules plus the trained classifier:
 *   npm run eval:emergency -- [--dir eval/heldout] [--half tune|judge|all] [--verbose]
 * Recall (and the right kind) on emergencies.jsonl; false alarms on every other set. --verbose lists the
 * misses and false alarms, and only for the tune half.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSlotLexicon } from '../bot/lexicon.ts';
import { normalizeText } from '../bot/normalize.ts';
import { extractSlots } from '../bot/slots.ts';
import { features } from '../bot/intent-model.ts';
import { detectEmergency, emergencyByRules } from '../bot/emergency.ts';
import { classifyEmergency } from '../bot/emergency-model.ts';
import { loadEmergencyModel } from '../bot/emergency-model-file.ts';
import { loadTokenizer } from '../knowledge/index.ts';
import { splitOf } from './heldout-split.ts';

const { values } = parseArgs({
  options: { half: { type: 'string', default: 'judge' }, verbose: { type: 'boolean', default: false }, dir: { type: 'string', default: 'eval/heldout' } },
});
const half = values.half as 'tune' | 'judge' | 'all';
if (!['tune', 'judge', 'all'].includes(half) || (values.verbose && half !== 'tune')) {
  console.error('用法: npm run eval:emergency -- [--dir eval/heldout] [--half tune|judge|all] [--verbose]（--verbose 只能和 --half tune 一起用）');
  process.exit(2);
}

const SEEDS = path.resolve('seeds');
const DAY = new Date('2026-11-28T04:00:00Z');
const [model, lexicon, tokenizer] = await Promise.all([loadEmergencyModel(SEEDS), loadSlotLexicon(SEEDS), loadTokenizer(SEEDS)]);
const withModel = (text: string) => detectEmergency(text, (t) => classifyEmergency(model, features(t, tokenizer.cut(t), extractSlots(t, lexicon, DAY)), t));

async function items(set: string): Promise<{ question: string; kind?: string }[]> {
  const text = await readFile(path.join(values.dir!, `${set}.jsonl`), 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { question: string; kind?: string })
    .filter((i) => half === 'all' || splitOf(i.question) === half);
}

const result = { rules: { found: 0, rightKind: 0, falseAlarms: 0 }, rulesAndModel: { found: 0, rightKind: 0, falseAlarms: 0 }, emergencies: 0, others: 0 };
for (const item of await items('emergencies')) {
  const q = normalizeText(item.question);
  result.emergencies++;
  for (const [name, kind] of [['rules', emergencyByRules(q)], ['rulesAndModel', withModel(q)]] as const) {
    if (kind) result[name].found++;
    if (kind === item.kind) result[name].rightKind++;
    if (name === 'rulesAndModel' && kind !== item.kind && values.verbose) console.log(`✗ ${item.kind} ${item.question} → ${kind ?? '不是紧急情况'}`);
  }
}
for (const set of ['in-kb', 'out-of-kb', 'programme', 'off-topic', 'borderline']) {
  for (const item of await items(set)) {
    const q = normalizeText(item.question);
    result.others++;
    if (emergencyByRules(q)) result.rules.falseAlarms++;
    const kind = withModel(q);
    if (kind) {
      result.rulesAndModel.falseAlarms++;
      if (values.verbose) console.log(`✗ 误报 ${set} ${item.question} → ${kind}`);
    }
  }
}
console.log(JSON.stringify({ dir: values.dir, half, threshold: model.threshold, veto: model.veto, ...result }, null, 2));
