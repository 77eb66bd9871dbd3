// Checks the shipped seeds: node seeds/validate.mjs  (exit code 0 = valid)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import matter from 'gray-matter';

const root = dirname(fileURLToPath(import.meta.url));
const errors = [];
const warnings = [];
const fail = (file, msg) => errors.push(`${relative(root, file)}: ${msg}`);
const warn = (file, msg) => warnings.push(`${relative(root, file)}: ${msg}`);
const walk = (dir) => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
const lines = (file) => readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
const hanCount = (s) => (s.match(/\p{Script=Han}/gu) ?? []).length;

const CATEGORIES = new Set(['policy', 'agronomy', 'livestock', 'aquaculture', 'service', 'market', 'labor', 'training', 'programme', 'faq']);
const COUNTIES = ['任城区', '兖州区', '微山县', '鱼台县', '金乡县', '嘉祥县', '汶上县', '泗水县', '梁山县', '曲阜市', '邹城市'];
const EMERGENCIES = ['fish-hypoxia', 'pesticide-poisoning', 'animal-disease', 'lightning-flood', 'dead-animals', 'gas-poisoning'];
const counts = {};

// ---- knowledge/*.md ----
for (const file of walk(join(root, 'knowledge')).filter((f) => f.endsWith('.md'))) {
  const raw = readFileSync(file, 'utf8');
  if (!raw.startsWith('---\n')) { fail(file, 'does not start with front matter'); continue; }
  let doc;
  try { doc = matter(raw); } catch (e) { fail(file, `front matter does not parse: ${e.message}`); continue; }
  const d = doc.data;
  for (const k of ['title', 'category', 'source']) if (typeof d[k] !== 'string' || !d[k].trim()) fail(file, `missing ${k}`);
  if (!CATEGORIES.has(d.category)) fail(file, `bad category ${d.category}`);
  if (!d.date) fail(file, 'missing date');
  if (!Array.isArray(d.tags) || d.tags.length === 0) fail(file, 'tags must be a non-empty list');
  if (d.county !== undefined && !COUNTIES.includes(d.county)) fail(file, `bad county ${d.county}`);
  if (!/^## /m.test(doc.content)) fail(file, 'no ## heading');
  // General guidance is reviewed on a schedule: a real review date and the date it must be reviewed again.
  if (!file.includes('/programme/')) {
    const day = (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null);
    const [reviewed, reviewBy] = [day(d.reviewedAt ?? d.reviewed), day(d.reviewBy)];
    if (!reviewed) fail(file, 'missing reviewedAt (YYYY-MM-DD: the day the content was last checked)');
    for (const k of ['writtenBy', 'reviewedBy']) if (!d[k]) fail(file, `missing ${k} (who wrote it, who checked it)`);
    if (!reviewBy) fail(file, 'missing reviewBy (YYYY-MM-DD: when it must be checked again)');
    if (reviewed && reviewBy && reviewBy <= reviewed) fail(file, `reviewBy ${reviewBy} is not after reviewed ${reviewed}`);
    if (reviewBy && reviewBy < new Date().toISOString().slice(0, 10)) warn(file, `past its review date ${reviewBy}`);
  }
  if (d.emergency !== undefined && !EMERGENCIES.includes(d.emergency)) fail(file, `bad emergency ${d.emergency} (one of ${EMERGENCIES.join(', ')})`);
  const n = hanCount(doc.content);
  const [min, max] = file.includes('/programme/') || d.emergency ? [300, 1500] : [500, 1500];
  if (n < min || n > max) warn(file, `${n} Chinese characters (expected ${min}–${max})`);
  counts[`knowledge/${d.category}`] = (counts[`knowledge/${d.category}`] ?? 0) + 1;
}

// ---- faq/*.jsonl ----
for (const file of walk(join(root, 'faq')).filter((f) => f.endsWith('.jsonl'))) {
  lines(file).forEach((line, i) => {
    let o;
    try { o = JSON.parse(line); } catch { fail(file, `line ${i + 1} is not JSON`); return; }
    for (const k of ['question', 'answer', 'category', 'source']) if (typeof o[k] !== 'string' || !o[k].trim()) fail(file, `line ${i + 1}: missing ${k}`);
    if (!CATEGORIES.has(o.category)) fail(file, `line ${i + 1}: bad category ${o.category}`);
    const n = [...(o.answer ?? '')].length;
    if (n < 40 || n > 200) fail(file, `line ${i + 1}: answer is ${n} characters (40–200)`);
    counts.faq = (counts.faq ?? 0) + 1;
  });
}

// ---- data/*.csv ----
function parseCsv(text) {
  const rows = []; let row = []; let field = ''; let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) { if (c === '"') { if (text[i + 1] === '"') { field += '"'; i++; } else q = false; } else field += c; }
    else if (c === '"') q = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}
const HEADERS = {
  'county-targets.csv': 'county,villages,period,stations_target,app_downloads_target',
  'service-points.csv': 'id,name,county,town,village,address,phone,services,hours',
  'prices.csv': 'commodity,variety,market,county,date,low,avg,high,unit,source',
  'labor-posts.csv': 'kind,title,what,county,town,village,quantity,pay,contact,expires_at,posted_at',
  'supply-posts.csv': 'kind,commodity,variety,county,town,quantity,price,contact,expires_at,posted_at',
};
const townCounty = new Map(lines(join(root, 'lexicon/places.tsv')).map((l) => l.split('\t')));
const tables = {};
for (const [name, header] of Object.entries(HEADERS)) {
  const file = join(root, 'data', name);
  const [head, ...rows] = parseCsv(readFileSync(file, 'utf8'));
  if (head.join(',') !== header) fail(file, `header is "${head.join(',')}"`);
  rows.forEach((r, i) => { if (r.length !== head.length) fail(file, `row ${i + 2} has ${r.length} columns, header has ${head.length}`); });
  tables[name] = rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
  counts[`data/${name}`] = rows.length;
  for (const [i, r] of tables[name].entries()) {
    if (r.county !== undefined && !COUNTIES.includes(r.county)) fail(file, `row ${i + 2}: bad county ${r.county}`);
    if (r.town !== undefined && townCounty.get(r.town) !== r.county) fail(file, `row ${i + 2}: town ${r.town} is not in ${r.county} (lexicon/places.tsv)`);
    if (r.contact !== undefined && !/^1380000\d{4}$/.test(r.contact)) fail(file, `row ${i + 2}: contact must be a full fake 1380000xxxx number`);
    for (const k of ['date', 'expires_at', 'posted_at']) if (r[k] !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(r[k])) fail(file, `row ${i + 2}: bad ${k}`);
    if (r.posted_at && r.expires_at && r.posted_at > r.expires_at) fail(file, `row ${i + 2}: expires before it was posted`);
  }
}
{
  const file = join(root, 'data/county-targets.csv');
  const sum = (p, k) => tables['county-targets.csv'].filter((r) => r.period === p).reduce((s, r) => s + Number(r[k]), 0);
  if (sum('2019H1', 'villages') !== 6231) fail(file, 'villages do not add up to 6231');
  if (sum('2019H1', 'stations_target') !== 2492 || sum('2019H2', 'stations_target') !== 2492 || sum('2020', 'stations_target') !== 1247) fail(file, 'station targets do not add up to 2492/2492/1247');
  if (Math.abs(sum('2019H1', 'app_downloads_target') - 16.71) > 0.001) fail(file, '2019H1 downloads do not add up to 16.71');
}
for (const [i, r] of tables['prices.csv'].entries()) {
  const [lo, av, hi] = [r.low, r.avg, r.high].map(Number);
  if (!(lo > 0 && lo <= av && av <= hi)) fail(join(root, 'data/prices.csv'), `row ${i + 2}: need 0 < low <= avg <= high`);
}
for (const name of ['labor-posts.csv', 'supply-posts.csv']) {
  const expired = tables[name].filter((r) => r.expires_at < '2026-11-28').length;
  if (expired === 0 || expired > tables[name].length / 2) warn(join(root, 'data', name), `${expired} expired rows (want some, not most)`);
}

// ---- lexicon/ ----
const dictFiles = ['places.txt', 'commodities.txt', 'pests.txt', 'domain.txt'];
for (const name of dictFiles) {
  const file = join(root, 'lexicon', name);
  const seen = new Set();
  lines(file).forEach((l, i) => {
    const parts = l.split(' ');
    if (parts.length !== 3 || !/^\d+$/.test(parts[1]) || !/^[a-z]+$/.test(parts[2])) fail(file, `line ${i + 1} is not "word freq tag": ${l}`);
    if (seen.has(parts[0])) fail(file, `duplicate ${parts[0]}`);
    seen.add(parts[0]);
  });
  counts[`lexicon/${name}`] = seen.size;
}
for (const name of ['places.tsv', 'county-aliases.tsv', 'commodities.tsv', 'colloquial.tsv', 'synonyms.tsv']) {
  const file = join(root, 'lexicon', name);
  const rows = lines(file).map((l) => l.split('\t'));
  rows.forEach((r, i) => { if (r.length !== 2 || !r[0] || !r[1]) fail(file, `line ${i + 1} is not two tab-separated fields`); });
  if (new Set(rows.map((r) => r[0])).size !== rows.length) fail(file, 'duplicate keys');
  if (!['colloquial.tsv', 'commodities.tsv', 'synonyms.tsv'].includes(name)) rows.forEach((r) => { if (!COUNTIES.includes(r[1])) fail(file, `unknown county ${r[1]}`); });
  if (name === 'colloquial.tsv') rows.forEach((r, i) => rows.slice(0, i).forEach((e) => { if (r[0].includes(e[0])) fail(file, `${r[0]} must come before ${e[0]} (longest match first)`); }));
  counts[`lexicon/${name}`] = rows.length;
}
{
  const file = join(root, 'lexicon/commodity-teams.tsv');
  const teams = ['粮食作物', '经济作物', '蔬菜', '果树', '畜牧', '水产'];
  const rows = lines(file).filter((l) => !l.startsWith('#')).map((l) => l.split('\t'));
  rows.forEach((r, i) => { if (r.length !== 2 || !teams.includes(r[1])) fail(file, `line ${i + 1} is not "word<TAB>team" with a team of ${teams.join(' ')}`); });
  if (new Set(rows.map((r) => r[0])).size !== rows.length) fail(file, 'duplicate words');
  const canonical = new Set([...lines(join(root, 'lexicon/commodities.tsv')), ...lines(join(root, 'lexicon/slot-commodities.tsv'))].filter((l) => !l.startsWith('#')).map((l) => l.split('\t')[1]));
  const mapped = new Set(rows.map((r) => r[0]));
  for (const c of canonical) if (!mapped.has(c)) fail(file, `commodity ${c} has no team: add "${c}<TAB>team"`);
  counts['lexicon/commodity-teams.tsv'] = rows.length;
}
counts['lexicon/stopwords.txt'] = lines(join(root, 'lexicon/stopwords.txt')).length;
const priceCommodities = new Set(tables['prices.csv'].map((r) => r.commodity));
const canon = new Set(lines(join(root, 'lexicon/commodities.tsv')).map((l) => l.split('\t')[1]));
for (const c of priceCommodities) if (!canon.has(c)) fail(join(root, 'lexicon/commodities.tsv'), `price commodity ${c} is not a canonical name`);

// The user dictionaries must load into jieba and keep domain words whole.
try {
  const { Jieba } = await import('@node-rs/jieba');
  const { dict } = await import('@node-rs/jieba/dict.js');
  const jieba = Jieba.withDict(dict);
  for (const name of dictFiles) jieba.loadDict(readFileSync(join(root, 'lexicon', name)));
  const probe = '俺在金乡县鸡黍镇，想到益农信息社问问济麦22的赤霉病咋防，用氰烯菌酯中不中';
  const tokens = jieba.cut(probe, false);
  for (const w of ['金乡县', '鸡黍镇', '益农信息社', '济麦22', '赤霉病', '氰烯菌酯']) if (!tokens.includes(w)) fail(join(root, 'lexicon'), `jieba split "${w}": ${tokens.join('/')}`);
} catch (e) {
  warn(join(root, 'lexicon'), `jieba check skipped: ${e.message}`);
}

for (const [k, v] of Object.entries(counts).sort()) console.log(`${k.padEnd(32)} ${v}`);
for (const w of warnings) console.warn(`warning: ${w}`);
for (const e of errors) console.error(`error: ${e}`);
console.log(errors.length ? `${errors.length} error(s)` : 'seeds are valid');
process.exit(errors.length ? 1 : 0);
