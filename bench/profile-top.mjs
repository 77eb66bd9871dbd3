// node bench/profile-top.mjs <file.cpuprofile> [n] — the functions a CPU profile spent most time in: self time
// (the sample's own frame) and total time (anywhere on the stack), by function and file. For reading a
// profile from `node --cpu-prof` or BENCH_PROFILE=1 without DevTools.
import { readFileSync } from 'node:fs';

const [file, n = '30'] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of p.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
const name = (node) => {
  const f = node.callFrame;
  const where = f.url ? f.url.replace(/^.*\/(node_modules\/|src\/|dist\/)/, '$1') : '';
  return `${f.functionName || '(anon)'} ${where}:${f.lineNumber + 1}`;
};
const self = new Map();
const total = new Map();
const counts = new Map();
for (const id of p.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
let all = 0;
for (const [id, c] of counts) {
  all += c;
  const node = byId.get(id);
  self.set(name(node), (self.get(name(node)) ?? 0) + c);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = name(byId.get(cur));
    if (seen.has(k)) continue;
    seen.add(k);
    total.set(k, (total.get(k) ?? 0) + c);
  }
}
const top = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(n)).map(([k, c]) => `${((100 * c) / all).toFixed(1).padStart(5)}%  ${k}`).join('\n');
console.log(`samples ${all}\n-- self --\n${top(self)}\n-- total --\n${top(total)}`);
