/**
 * The turn mix of bench:agent and bench:turn: what farmers send, in shares near a real day's, with many distinct
 * texts so that no answer cache (the search-result cache, the JIT's favourite paths) sees the same few questions
 * over and over. Knowledge and programme questions are read at run time from the tune question sets
 * (eval/tune-c, eval/tune-d, eval/tune-e: tuning sets, never the held-out ones); price, labour, supply and
 * machinery questions are built from the shipped seed data's commodities, counties and jobs; the escalations ask
 * for a person in several wordings. The sequence is drawn by a seeded generator: the same seed, the same turns.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { seeded } from './seeded.ts';

const root = path.resolve(import.meta.dirname, '..');

/** Share of each kind in the mix (sums to 1). */
export const SHARES = {
  knowledge: 0.35, // crop, livestock and fish questions the knowledge base covers
  unknown: 0.1, // questions it does not cover (near misses): the retriever's slowest path, ending in a handover
  programme: 0.2, // the 益农信息社 programme: counts, standards, duties
  price: 0.15,
  posts: 0.15, // labour, supply and machinery posts
  escalation: 0.05, // a person is asked for: a ticket opens
} as const;
export type Kind = keyof typeof SHARES;

function questionsIn(files: string[]): string[] {
  const out = new Set<string>();
  for (const f of files) {
    for (const line of readFileSync(path.join(root, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const q = (JSON.parse(line) as { question?: string }).question?.trim();
      if (q) out.add(q);
    }
  }
  return [...out];
}

const COUNTIES = ['金乡', '嘉祥', '汶上', '梁山', '微山', '鱼台', '泗水', '兖州', '曲阜', '邹城', '任城'];
const COMMODITIES = ['大蒜', '玉米', '小麦', '大豆', '生猪', '苹果', '莲藕', '西红柿', '黄瓜'];
const JOBS = ['剥蒜', '分拣', '挖藕', '摘黄瓜', '喂猪', '浇地', '掰棒子', '摘苹果', '剪果树', '打包', '搬运'];
const MACHINES = ['收割机', '旋耕机', '拖拉机', '植保无人机', '播种机'];

function priceQuestions(): string[] {
  const out: string[] = [];
  for (const c of COMMODITIES) {
    out.push(`${c}今天啥价`, `${c}多少钱一斤`, `现在${c}行情咋样`);
    for (const county of COUNTIES.slice(0, 5)) out.push(`${county}${c}啥价`);
  }
  return out;
}

function postQuestions(): string[] {
  const out: string[] = [];
  for (const job of JOBS) out.push(`有${job}的活吗`, `${COUNTIES[job.length % COUNTIES.length]}有没有${job}的活`);
  for (const c of COMMODITIES) out.push(`谁收${c}`, `俺想卖${c}`);
  for (const m of MACHINES) out.push(`哪里能找到${m}`, `${COUNTIES[m.length % COUNTIES.length]}有${m}吗`);
  return out;
}

const ESCALATIONS = [
  '我要找专家，俺家麦子叶子发黄打了药也不管用',
  '给俺找个真人，蒜苗子一片片死不知道咋回事',
  '能不能叫农技员来看看，猪不吃食好几天了',
  '转人工，大棚黄瓜叶子上全是斑打了好几遍药没用',
  '我要找人，俺家羊拉稀好几天了',
];

/** The distinct texts of each kind. */
export function mixTexts(): Record<Kind, string[]> {
  return {
    knowledge: questionsIn(['eval/tune-c/in-kb.jsonl', 'eval/tune-d/in-kb.jsonl']),
    unknown: questionsIn(['eval/tune-c/out-of-kb.jsonl', 'eval/tune-d/out-of-kb.jsonl']),
    programme: questionsIn(['eval/tune-c/programme.jsonl', 'eval/tune-d/programme.jsonl', 'eval/tune-e/programme.jsonl']),
    price: priceQuestions(),
    posts: postQuestions(),
    escalation: ESCALATIONS,
  };
}

/** `n` turns drawn by the shares above (kind first, then a text of that kind), the same for the same seed. */
export function mixSequence(n: number, seed = 11): string[] {
  const texts = mixTexts();
  const { rand, pick } = seeded(seed);
  const kinds = Object.entries(SHARES) as [Kind, number][];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let r = rand();
    const kind = kinds.find(([, share]) => (r -= share) < 0)?.[0] ?? 'knowledge';
    out.push(pick(texts[kind]));
  }
  return out;
}
