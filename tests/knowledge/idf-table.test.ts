import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IdfTable } from '../../src/knowledge/idf-table.ts';

const idfFile = path.join(path.dirname(createRequire(import.meta.url).resolve('@node-rs/jieba/dict.js')), 'idf.txt');

describe('IdfTable', () => {
  it('answers exactly as a Map of jieba’s whole IDF file does', () => {
    const text = readFileSync(idfFile, 'utf8');
    const table = IdfTable.parse(text);
    const map = new Map<string, number>();
    const values: number[] = [];
    for (const line of text.split('\n')) {
      const space = line.lastIndexOf(' ');
      if (space <= 0) continue;
      const v = Number(line.slice(space + 1));
      if (!Number.isFinite(v)) continue;
      map.set(line.slice(0, space), v);
      values.push(v);
    }
    values.sort((a, b) => a - b);
    expect(map.size).toBeGreaterThan(200_000);
    expect(table.median).toBe(values[Math.floor(values.length / 2)]);
    let mismatches = 0;
    for (const [word, v] of map) if (table.get(word) !== v) mismatches++;
    expect(mismatches).toBe(0);
    for (const word of ['条秀病', '小麦条锈病咋防治', 'zzzz', '', '\u0000']) expect(table.has(word)).toBe(map.has(word));
  });

  it('skips lines without a value, lets a repeated word take its last value, and finds words with spaces', () => {
    const table = IdfTable.parse('小麦 9.5\n坏行\n玉米 abc\n\n小麦 8.25\nnew york 7\n大豆 3');
    expect(table.get('小麦')).toBe(8.25);
    expect(table.has('坏行')).toBe(false);
    expect(table.has('玉米')).toBe(false);
    expect(table.get('new york')).toBe(7);
    expect(table.get('大豆')).toBe(3);
    expect(table.get('大')).toBeUndefined();
    expect(table.size).toBe(4);
  });

  it('an empty table knows nothing', () => {
    const table = IdfTable.parse('');
    expect(table.has('小麦')).toBe(false);
    expect(table.median).toBe(10);
  });
});
