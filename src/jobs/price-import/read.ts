import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { mapColumns, valuesOf, type ColumnMap } from './columns.ts';
import { csvLines, CsvSyntaxError } from './csv-lines.ts';

export type PriceFormat = 'csv' | 'json' | 'jsonl';

/** One record of a price file: its values under canonical names, or why it can't be read as one. */
export type FileRecord =
  | { line: number; values: Record<string, string | undefined> }
  | { line: number; problem: string };

/** The whole file is unusable (wrong columns, broken syntax): nothing of it is imported. */
export class FileRefused extends Error {}

/** A JSON array is parsed whole: past this, a feed must send CSV or JSON Lines, which are streamed. */
export const MAX_JSON_ARRAY_BYTES = 16 * 1024 * 1024;
// No legitimate price row comes near this; a longer "line" is a broken or hostile file.
const MAX_RECORD_BYTES = 64 * 1024;

export function formatOf(name: string): PriceFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (ext === 'csv' || ext === 'txt') return 'csv';
  if (ext === 'json') return 'json';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  return null;
}

/**
 * The records of a file, a batch at a time: streamed (CSV, JSON Lines) or read whole (a JSON array,
 * bounded). Batches, because one await per record cost more than parsing it.
 */
export function readRecords(path: string, format: PriceFormat, bytes: number): AsyncGenerator<FileRecord[]> {
  if (format === 'csv') return readCsv(path);
  if (format === 'jsonl') return readJsonLines(path);
  return readJsonArray(path, bytes);
}

function refuse(map: ColumnMap): asserts map is Extract<ColumnMap, { ok: true }> {
  if (!map.ok) throw new FileRefused(map.reason);
}

async function* readCsv(path: string): AsyncGenerator<FileRecord[]> {
  const input = createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  let columns: (string | null)[] | null = null;
  try {
    for await (const lines of csvLines(input, MAX_RECORD_BYTES)) {
      const batch: FileRecord[] = [];
      for (const { record, line } of lines) {
        if (!columns) {
          const map = mapColumns(record);
          refuse(map);
          columns = map.columns;
        } else if (record.length !== columns.length) {
          batch.push({ line, problem: `这一行有 ${record.length} 列，表头有 ${columns.length} 列（含逗号的内容请加英文双引号）` });
        } else {
          batch.push({ line, values: valuesOf(columns, record) });
        }
      }
      if (batch.length) yield batch;
    }
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new FileRefused(`CSV 格式有误：${err.message}`, { cause: err });
    throw err;
  } finally {
    input.destroy();
  }
  if (!columns) throw new FileRefused('文件是空的：没有表头，也没有数据');
}

async function* readJsonLines(path: string): AsyncGenerator<FileRecord[]> {
  for await (const batch of batches(jsonLineRecords(path))) yield batch;
}

async function* jsonLineRecords(path: string): AsyncGenerator<FileRecord> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  // readline does not end on an input error by itself: close it, so the loop ends (and throws) instead of waiting.
  let failure: Error | undefined;
  input.once('error', (err) => {
    failure = err;
    lines.close();
  });
  let columns: (string | null)[] | null = null;
  let keys: string[] = [];
  let lineNo = 0;
  try {
    for await (const raw of lines) {
      lineNo++;
      const text = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (!text.trim()) continue;
      if (text.length > MAX_RECORD_BYTES) {
        yield { line: lineNo, problem: `这一行太长（${text.length} 个字符）` };
        continue;
      }
      let item: unknown;
      try {
        item = JSON.parse(text);
      } catch (err) {
        yield { line: lineNo, problem: `不是一个 JSON 对象：${(err as Error).message}` };
        continue;
      }
      if (!isObject(item)) {
        yield { line: lineNo, problem: '这一行应是一个 JSON 对象，如 {"commodity": "大蒜", …}' };
        continue;
      }
      if (!columns) {
        keys = Object.keys(item);
        const map = mapColumns(keys);
        refuse(map);
        columns = map.columns;
      }
      yield { line: lineNo, values: objectValues(item, keys, columns) };
    }
  } finally {
    lines.close();
    input.destroy();
  }
  if (failure) throw failure;
  if (!columns) throw new FileRefused('文件里没有一个价格对象');
}

async function* readJsonArray(path: string, bytes: number): AsyncGenerator<FileRecord[]> {
  for await (const batch of batches(jsonArrayRecords(path, bytes))) yield batch;
}

async function* batches(records: AsyncIterable<FileRecord>, size = 1000): AsyncGenerator<FileRecord[]> {
  let batch: FileRecord[] = [];
  for await (const r of records) {
    if (batch.push(r) >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

async function* jsonArrayRecords(path: string, bytes: number): AsyncGenerator<FileRecord> {
  if (bytes > MAX_JSON_ARRAY_BYTES) {
    throw new FileRefused(
      `JSON 数组文件最大 ${MAX_JSON_ARRAY_BYTES / 1024 / 1024} MB（这个有 ${(bytes / 1024 / 1024).toFixed(1)} MB）：更大的数据请用 CSV 或 JSON Lines（每行一个对象）`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse((await readFile(path, 'utf8')).replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new FileRefused(`JSON 格式有误：${(err as Error).message}`, { cause: err });
  }
  const items = Array.isArray(doc) ? doc : isObject(doc) ? (doc.prices ?? doc.rows ?? doc.data) : undefined;
  if (!Array.isArray(items)) throw new FileRefused('JSON 应是价格对象的数组，或 {"prices": [ … ]}');
  const first = items.find(isObject);
  if (!first) throw new FileRefused('文件里没有一个价格对象');
  const keys = Object.keys(first);
  const map = mapColumns(keys);
  refuse(map);
  // A JSON array has no useful line numbers: "line" is the item's position (1-based), as the reasons say.
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (!isObject(item)) yield { line: i + 1, problem: `第 ${i + 1} 条不是对象` };
    else yield { line: i + 1, values: objectValues(item, keys, map.columns) };
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object's values by the first record's keys (a key spelled differently in a later item is looked up too). */
function objectValues(item: Record<string, unknown>, keys: string[], columns: (string | null)[]): Record<string, string | undefined> {
  const values = valuesOf(columns, keys.map((k) => item[k]));
  if (Object.keys(item).some((k) => !keys.includes(k))) {
    const extra = mapColumns(Object.keys(item));
    if (extra.ok) Object.assign(values, valuesOf(extra.columns, Object.keys(item).map((k) => item[k])));
  }
  return values;
}
