import { loadTokenizer } from '/work/wt/retrieval/src/knowledge/index.ts';
const tk = await loadTokenizer('seeds');
for (const q of process.argv.slice(2)) console.log(q, JSON.stringify(tk.tokens(q)), JSON.stringify(tk.tokens(q).map((t) => tk.idf(t).toFixed(1))));
