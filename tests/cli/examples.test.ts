import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heldoutItems, labelledExamples, loadFeaturizer, readJsonl, type Featurize } from '../../src/cli/examples.ts';
import { splitOf } from '../../src/cli/heldout-split.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'examples-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readJsonl', () => {
  it('reads every row and skips blank lines', async () => {
    const file = path.join(dir, 'rows.jsonl');
    await writeFile(file, '{"a":1}\n\n  \n{"a":2}\n');
    expect(await readJsonl<{ a: number }>(file)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('names the file and line of a row that is not JSON, keeping the cause', async () => {
    const file = path.join(dir, 'bad.jsonl');
    await writeFile(file, '{"a":1}\n{"a":\n');
    const err = await readJsonl(file).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe(`${file} 第 2 行不是 JSON`);
    expect((err as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it('reads a missing file as no rows only when asked to', async () => {
    const file = path.join(dir, 'none.jsonl');
    expect(await readJsonl(file, { missing: 'empty' })).toEqual([]);
    await expect(readJsonl(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('heldoutItems', () => {
  it('keeps the questions of the half asked for', async () => {
    const questions = ['小麦叶子发黄怎么办', '玉米什么时候追肥', '鱼塘浮头怎么办', '苹果树剪枝', '猪不吃食', '大蒜种植'];
    await writeFile(path.join(dir, 'set.jsonl'), questions.map((question) => JSON.stringify({ question })).join('\n'));
    const all = await heldoutItems(dir, 'set', 'all');
    const tune = await heldoutItems(dir, 'set', 'tune');
    const judge = await heldoutItems(dir, 'set', 'judge');
    expect(all.map((i) => i.question)).toEqual(questions);
    expect(tune.map((i) => i.question)).toEqual(questions.filter((q) => splitOf(q) === 'tune'));
    expect(judge.map((i) => i.question)).toEqual(questions.filter((q) => splitOf(q) === 'judge'));
    expect(tune.length + judge.length).toBe(questions.length);
  });
});

describe('labelledExamples', () => {
  // Features by hand, so the test shows the dedupe and not the featurizer.
  const featurize: Featurize = (text) => new Map([[`len:${text.length}`, 1]]);
  const rows = [
    { label: 'agronomy', text: '小麦  施肥' },
    { label: 'policy', text: '小麦 施肥' },
    { label: 'agronomy', text: '小麦 施肥' },
    { label: 'price', text: '   ' },
  ];

  it('normalises, drops empty texts and keeps each text once', () => {
    const out = labelledExamples(rows, featurize, 'text');
    expect(out.map((e) => [e.intent, e.text])).toEqual([['agronomy', out[0].text]]);
    expect(out[0].row).toBe(rows[0]);
  });

  it('keeps a text once per label when told', () => {
    const out = labelledExamples(rows, featurize, 'label');
    expect(out.map((e) => e.intent)).toEqual(['agronomy', 'policy']);
    expect(out[0].features).toEqual(featurize(out[0].text));
  });
});

describe('loadFeaturizer', () => {
  it('gives the same features for the same text (slots read as of one day)', async () => {
    const featurize = await loadFeaturizer(path.resolve('seeds'));
    const a = featurize('明天济宁小麦价格');
    expect(a.size).toBeGreaterThan(0);
    expect([...featurize('明天济宁小麦价格')]).toEqual([...a]);
  });
});
