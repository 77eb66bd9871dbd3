// Words the dev TUNE split's questions use that their own answers seldom hold: question-template candidates.
import { readFile } from 'node:fs/promises';
import { loadTokenizer } from '../../src/knowledge/index.ts';
import { pairSplitOf } from '../../src/cli/calibration-data.ts';
const tk = await loadTokenizer('seeds');
const pairs = (await readFile(process.argv[2], 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id?: string; question: string; answer: string })
  .map((p, i) => ({ ...p, id: p.id ?? String(i + 1) })).filter((p) => pairSplitOf(p.id) === 'tune');
const inQ = new Map<string, number>(); const inBoth = new Map<string, number>();
for (const p of pairs) {
  const a = new Set(tk.tokens(p.answer));
  for (const t of new Set(tk.tokens(p.question))) { inQ.set(t, (inQ.get(t) ?? 0) + 1); if (a.has(t)) inBoth.set(t, (inBoth.get(t) ?? 0) + 1); }
}
console.log([...inQ].filter(([, n]) => n >= 3).sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${n} ${((inBoth.get(t) ?? 0) / n).toFixed(2)}`).join('\n'));
