/** Something that cuts a question into content words and says how specific a word is (the KB tokenizer). */
export interface WordCutter {
  tokens(text: string): string[];
  idf(word: string): number;
}

export interface AskedQuestion {
  question: string;
  category: string;
  commodity: string | null;
}

export interface QuestionGroup {
  /** the shortest wording in the group, as a farmer put it */
  question: string;
  count: number;
  category: string;
  /** the words the group shares */
  keywords: string[];
}

// 代问 prefixes and phone numbers say who asked, not what: they must not split or name a group.
const NOT_THE_QUESTION = /代问|1[3-9]\d{9}|\d{3,}/g;

/**
 * Escalated questions grouped by what they ask: the category, the commodity and the two most specific
 * words (by the knowledge base's IDF), so “小麦叶子发黄咋办” and “小麦叶片黄了怎么办” fall together while
 * “小麦条锈病” stays apart. Largest groups first.
 */
export function groupQuestions(questions: readonly AskedQuestion[], cutter: WordCutter, limit = 10): QuestionGroup[] {
  const groups = new Map<string, { texts: string[]; category: string; keywords: string[] }>();
  for (const q of questions) {
    const text = q.question.replace(NOT_THE_QUESTION, ' ').trim();
    const words = [...new Set(cutter.tokens(text).filter((w) => w.length >= 2 && w !== q.commodity))];
    const keywords = words.sort((a, b) => cutter.idf(b) - cutter.idf(a) || a.localeCompare(b)).slice(0, 2).sort();
    const key = [q.category, q.commodity ?? '', ...keywords].join('|');
    const g = groups.get(key) ?? { texts: [], category: q.category, keywords: [q.commodity, ...keywords].filter((w): w is string => !!w) };
    g.texts.push(text || q.question);
    groups.set(key, g);
  }
  return [...groups.values()]
    .map((g) => ({
      question: [...g.texts].sort((a, b) => a.length - b.length || a.localeCompare(b))[0],
      count: g.texts.length, category: g.category, keywords: g.keywords,
    }))
    .sort((a, b) => b.count - a.count || a.question.localeCompare(b.question))
    .slice(0, limit);
}
