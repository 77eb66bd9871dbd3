import { readFile } from 'node:fs/promises';
import { listFiles } from '../src/knowledge/ingest.ts';
import { splitSentences } from '../src/knowledge/chunker.ts';

/** Sentences from the shipped knowledge, to build a synthetic corpus that reads like ours. */
export async function seedSentences(seedsDir = 'seeds'): Promise<string[]> {
  const out: string[] = [];
  for (const file of await listFiles([`${seedsDir}/knowledge`, `${seedsDir}/faq`])) {
    const text = (await readFile(file, 'utf8')).replace(/^---[\s\S]*?---/, '');
    for (const s of splitSentences(text.replace(/[{}"]/g, ' '))) if (s.length >= 8) out.push(s);
  }
  return out;
}

/** A deterministic pseudo-random generator, so two runs build the same corpus. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A document of `chunks` sections, each a few sentences drawn from the seeds, ~300 characters. */
export function syntheticDocument(sentences: string[], chunks: number, random: () => number): string {
  const sections: string[] = [];
  for (let i = 0; i < chunks; i++) {
    let body = '';
    while (body.length < 260) body += sentences[Math.floor(random() * sentences.length)];
    sections.push(`## 第${i + 1}节\n${body}`);
  }
  return sections.join('\n');
}
