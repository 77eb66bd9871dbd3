import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MachineWords } from './machinery.ts';

/** seeds/lexicon/machines.tsv: the words farmers and owners use for each machine type (麦收机 → 收割机). */
export async function loadMachineWords(seedsDir: string): Promise<MachineWords> {
  const file = path.join(seedsDir, 'lexicon', 'machines.tsv');
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw new Error(`读取农机词表失败：${file}`, { cause: err });
  });
  const words = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [word, type] = line.split('\t').map((s) => s.trim());
    if (word && type) words.set(word, type);
  }
  for (const type of new Set(words.values())) words.set(type, type);
  return words;
}
