// How the fitting and evaluation commands read labelled examples: JSON-lines files, held-out sets cut into
// their tune and judge halves, and texts turned into the classifiers' features the same way at fit and at
// evaluation (normalised, cut, slots read as of one fixed day), so a refit and an evaluation see one input.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSlotLexicon } from '../bot/lexicon.ts';
import { normalizeText } from '../bot/normalize.ts';
import { extractSlots } from '../bot/slots.ts';
import { features, type Example } from '../bot/intent-model.ts';
import { loadTokenizer } from '../knowledge/index.ts';
import { splitOf } from './heldout-split.ts';

/** Slots are read as of a fixed day, so that "明天" gives the same features on every refit and evaluation. */
export const FEATURE_DAY = new Date('2026-11-28T04:00:00Z');

/**
 * The rows of a JSON-lines file, blank lines skipped. A line that is not JSON names its file and line.
 * `missing: 'empty'` reads a file that is not there as no rows (an optional held-out set).
 */
export async function readJsonl<T>(file: string, opts: { missing?: 'throw' | 'empty' } = {}): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (opts.missing === 'empty' && (err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const rows: T[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    try {
      rows.push(JSON.parse(line) as T);
    } catch (err) {
      throw new Error(`${file} 第 ${i + 1} 行不是 JSON`, { cause: err });
    }
  }
  return rows;
}

export type Half = 'tune' | 'judge' | 'all';

/** One held-out set (`<dir>/<set>.jsonl`), only the questions of the half asked for. */
export async function heldoutItems<T extends { question: string }>(
  dir: string, set: string, half: Half, opts: { missing?: 'throw' | 'empty' } = {},
): Promise<T[]> {
  const rows = await readJsonl<T>(path.join(dir, `${set}.jsonl`), opts);
  return half === 'all' ? rows : rows.filter((r) => splitOf(r.question) === half);
}

/**
 * The evaluation commands' options: --dir, --half (judge unless told) and --verbose, which lists questions one
 * by one and so is refused for any half but tune. Bad options print the usage and exit 2.
 */
export function heldoutArgs(usage: string): { dir: string; half: Half; verbose: boolean } {
  const { values } = parseArgs({
    options: { half: { type: 'string', default: 'judge' }, verbose: { type: 'boolean', default: false }, dir: { type: 'string', default: 'eval/heldout' } },
  });
  const half = values.half as Half;
  if (!['tune', 'judge', 'all'].includes(half) || (values.verbose && half !== 'tune')) {
    console.error(`用法: ${usage}（--verbose 只能和 --half tune 一起用）`);
    process.exit(2);
  }
  return { dir: values.dir!, half, verbose: values.verbose! };
}

export type Featurize = (normalized: string) => Map<string, number>;

/** The classifiers' features of a normalised text, from the seeds' lexicon and tokenizer. */
export async function loadFeaturizer(seedsDir: string): Promise<Featurize> {
  const [lexicon, tokenizer] = await Promise.all([loadSlotLexicon(seedsDir), loadTokenizer(seedsDir)]);
  return (text) => features(text, tokenizer.cut(text), extractSlots(text, lexicon, FEATURE_DAY));
}

/**
 * Labelled texts as training examples, in their order: normalised, empty ones dropped, each text once
 * (`once: 'text'`) or once per label (`once: 'label'`, the same words may train two intents).
 * Each example keeps its row's other fields and its normalised text.
 */
export function labelledExamples<R extends { label: string; text: string }>(
  rows: readonly R[], featurize: Featurize, once: 'text' | 'label',
): (Example & { text: string; row: R })[] {
  const seen = new Set<string>();
  const out: (Example & { text: string; row: R })[] = [];
  for (const row of rows) {
    const text = normalizeText(row.text);
    const key = once === 'label' ? `${row.label}\t${text}` : text;
    if (!text || seen.has(key)) continue;
    seen.add(key);
    out.push({ intent: row.label, features: featurize(text), text, row });
  }
  return out;
}
