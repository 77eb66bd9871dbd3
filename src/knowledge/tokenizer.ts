import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Jieba } from '@node-rs/jieba';
import { IdfTable } from './idf-table.ts';

// jieba's dictionary and IDF files, read here rather than through '@node-rs/jieba/dict.js', whose module
// keeps both files (11 MB) alive as Buffers for the life of the process.
const JIEBA_DIR = path.dirname(createRequire(import.meta.url).resolve('@node-rs/jieba/dict.js'));

/** Characters that carry meaning for search: CJK ideographs, Latin letters and digits. */
const MEANINGFUL = /[\p{Script=Han}\p{L}\p{N}]/u;
const HAN = /\p{Script=Han}/u;

const BUILTIN_STOPWORDS = [
  '的', '了', '是', '在', '和', '与', '及', '或', '也', '就', '都', '而', '把', '被', '对', '从', '向', '为', '以',
  '吗', '呢', '吧', '啊', '呀', '哦', '嘛', '么', '着', '过', '这', '那', '哪', '其', '之', '等', '个', '些',
  '什么', '怎么', '怎样', '如何', '为什么', '多少', '哪些', '哪里', '是否', '请问', '一下', '一个', '这个', '那个',
  '我', '我们', '你', '你们', '他', '她', '它', '他们', '有', '没有', '要', '会', '能', '可以', '应该', '需要',
  '简述', '试述', '论述', '说明', '简要', '分析', '请', '谈谈', '主要', '哪几种', '几种', '有何', '有哪些',
  '回事', '怎么办', '怎么样', '什么样', '咋样', '行不行', '知道', '一下子', '问问', '想问',
];

export interface TokenizerOptions {
  /** Folder of jieba user dictionaries (`word freq tag` lines) and synonym tables. */
  lexiconDir?: string;
}

/**
 * Chinese tokens for indexing and queries: jieba search-mode segmentation with the domain user dictionary,
 * colloquial and commodity synonyms folded to their standard word, stopwords dropped, and the IDF that ships
 * with jieba (offline, from a large general corpus) for weighting.
 */
export class ChineseTokenizer {
  private constructor(
    private readonly jieba: Jieba,
    private readonly idfTable: IdfTable,
    private readonly medianIdf: number,
    private readonly synonyms: Map<string, string>,
    private readonly stopwords: Set<string>,
    /** Domain words from the user dictionary: weighted as rare words whatever the general corpus says. */
    private readonly domainWords: Set<string>,
    /** Colloquial phrases (咋防 → 怎么防), replaced in the text before segmentation. */
    private readonly colloquial: RegExp | null,
    private readonly colloquialMap: Map<string, string>,
    private readonly distinct: Map<string, string[]>,
    /** Crops, animals and products by their standard name (seeds/lexicon/commodities.tsv), with their other names. */
    private readonly commodityNames: Map<string, string[]>,
  ) {}

  static async load(opts: TokenizerOptions = {}): Promise<ChineseTokenizer> {
    const jieba = Jieba.withDict(await readFile(path.join(JIEBA_DIR, 'dict.txt')));
    const synonyms = new Map<string, string>();
    const colloquialMap = new Map<string, string>();
    const distinct = new Map<string, string[]>();
    const stopwords = new Set(BUILTIN_STOPWORDS);
    const domainWords = new Set<string>();
    const commodityNames = new Map<string, string[]>();
    if (opts.lexiconDir) {
      const files = await readdir(opts.lexiconDir).catch(() => [] as string[]);
      for (const file of files.sort()) {
        const text = await readFile(path.join(opts.lexiconDir, file), 'utf8');
        if (file === 'stopwords.txt') {
          for (const w of lines(text)) stopwords.add(w);
        } else if (file.endsWith('.txt')) {
          const entries = lines(text)
            .map((l) => l.split(/\s+/))
            .filter((parts) => parts[0] && (parts.length === 1 || /^\d+$/.test(parts[1] ?? '')));
          for (const [word] of entries) domainWords.add(word);
          const normalized = entries.map(([w, f, t]) => [w, f ?? '20000', t ?? 'n'].join(' ')).join('\n');
          jieba.loadDict(Buffer.from(normalized));
        } else if (file === 'distinct.tsv') {
          for (const l of lines(text)) {
            const [word, ...longer] = l.split('\t').map((s) => s.trim()).filter(Boolean);
            if (word && longer.length) distinct.set(word, longer);
          }
        } else if (file === 'colloquial.tsv') {
          // Phrases, not words: loaded into jieba they would change how the words around them split
          // ("咋防治" → 咋防/治), so they are replaced in the text instead.
          for (const l of lines(text)) {
            const [from, to] = l.split('\t');
            if (from && to && from !== to) colloquialMap.set(from, to);
          }
        } else if (file === 'commodities.tsv' || file === 'synonyms.tsv') {
          for (const l of lines(text)) {
            const [from, to] = l.split('\t');
            if (from && to && from !== to && !synonyms.has(from)) synonyms.set(from, to);
            if (file === 'commodities.tsv' && from && to) {
              const names = commodityNames.get(to) ?? [];
              if (from !== to) names.push(from);
              commodityNames.set(to, names);
            }
          }
        }
      }
      // Folded words must be segmentable as whole words too.
      const extra = [...synonyms.keys()].map((w) => `${w} 20000 n`).join('\n');
      if (extra) jieba.loadDict(Buffer.from(extra));
    }
    const table = IdfTable.parse(await readFile(path.join(JIEBA_DIR, 'idf.txt'), 'utf8'));
    const phrases = [...colloquialMap.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    const colloquial = phrases.length ? new RegExp(phrases.join('|'), 'g') : null;
    return new ChineseTokenizer(jieba, table, table.median, synonyms, stopwords, domainWords, colloquial, colloquialMap, distinct, commodityNames);
  }

  /**
   * The last texts' tokens and cuts: one turn tokenises its message in several places (intent, emergency,
   * search, the query embedding). Segmentation depends on the text alone once loaded; callers get copies.
   */
  private readonly memo = { tokens: new Map<string, string[]>(), cut: new Map<string, string[]>() };

  /** Search tokens in text order (repeats kept, so term frequency survives). */
  tokens(text: string): string[] {
    return remembered(this.memo.tokens, text, () => this.segment(text));
  }

  private segment(text: string): string[] {
    const out: string[] = [];
    for (const raw of this.jieba.cutForSearch(this.standardize(text), true)) {
      const w = raw.trim();
      if (!w || !MEANINGFUL.test(w)) continue;
      const folded = this.synonyms.get(w) ?? w;
      if (this.stopwords.has(folded)) continue;
      out.push(folded);
    }
    return out;
  }

  /** Normalised, with colloquial phrases in their standard form (俺家麦子咋整 → 我家麦子怎么办). */
  standardize(text: string): string {
    const t = normalizeForSearch(text);
    return this.colloquial ? t.replace(this.colloquial, (m) => this.colloquialMap.get(m) ?? m) : t;
  }

  /** Plain (non-search-mode) segmentation, for slot extraction. */
  cut(text: string): string[] {
    return remembered(this.memo.cut, text, () => this.jieba.cut(normalizeForSearch(text), true).filter((w) => w.trim() !== ''));
  }

  /** Inverse document frequency from jieba's corpus; domain words count as rare, unknown words as median. */
  idf(word: string): number {
    const known = this.idfTable.get(word);
    if (this.domainWords.has(word)) return Math.max(known ?? 0, this.medianIdf);
    if (known !== undefined) return known;
    // Unknown single characters are mostly function-like; unknown longer words are usually specific.
    return HAN.test(word) && word.length === 1 ? this.medianIdf * 0.5 : this.medianIdf;
  }

  /**
   * Longer words that contain this one but name a different thing ("非洲猪瘟" for "猪瘟", from
   * seeds/lexicon/distinct.tsv): a passage with only the longer word is about something else, though
   * search-mode tokens match both. Listed by hand: most longer words are kinds of the shorter (条锈病 is a 锈病).
   */
  longerDomainWords(word: string): string[] {
    return this.distinct.get(word) ?? [];
  }

  /** A word jieba's corpus or our dictionary knows (a typo like "条秀病" is not). */
  isKnown(word: string): boolean {
    return this.idfTable.has(word) || this.domainWords.has(word);
  }

  /** A word of our own dictionaries (pests, diseases, domain terms): it names a thing, not a general idea. */
  isDomainWord(word: string): boolean {
    return this.domainWords.has(word);
  }

  /** Standard names of the crops, animals and products the lexicon knows. */
  commodities(): Iterable<string> {
    return this.commodityNames.keys();
  }

  /** A commodity's other names ("苞米", "棒子" for 玉米). */
  aliasesOf(commodity: string): string[] {
    return this.commodityNames.get(commodity) ?? [];
  }

  isCommodity(word: string): boolean {
    return this.commodityNames.has(word);
  }

  isStopword(word: string): boolean {
    return this.stopwords.has(word);
  }

  synonymOf(word: string): string | undefined {
    return this.synonyms.get(word);
  }
}

/** Full-width to half-width, compatibility forms folded (NFKC), Latin lower-cased. */
export function normalizeForSearch(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

const MEMO_MAX = 256;
const MEMO_MAX_CHARS = 2000;

/** A copy of the memoised value of `text` (computed and kept when absent; long texts are not kept). */
function remembered(memo: Map<string, string[]>, text: string, compute: () => string[]): string[] {
  if (text.length > MEMO_MAX_CHARS) return compute();
  let value = memo.get(text);
  if (value) {
    memo.delete(text); // most recently used last
  } else {
    value = compute();
    if (memo.size >= MEMO_MAX) memo.delete(memo.keys().next().value!);
  }
  memo.set(text, value);
  return value.slice();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}
