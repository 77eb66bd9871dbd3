import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ChatOpenAI } from '@langchain/openai';
import type { SearchHit } from '../knowledge/retriever.ts';
import { INTENTS, type Intent } from './intents.ts';

export interface Phrased {
  text: string;
  cited: SearchHit[];
}

/** Phrases an answer from passages; null means "use the offline answer", 'not_in_passages' means escalate. */
export interface AnswerPhraser {
  phrase(question: string, passages: SearchHit[]): Promise<Phrased | 'not_in_passages' | null>;
  classify(question: string): Promise<Intent | null>;
}

export interface LlmSettings {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  promptsDir: string;
}

const NUMBER = /\d+(?:\.\d+)?/g;

/** Every number in the answer must stand in a cited passage (or the question): the model may not invent one. */
export function numbersSupported(answer: string, sources: string[]): boolean {
  const haystack = sources.join('\n');
  const found = new Set(haystack.match(NUMBER) ?? []);
  return (answer.match(NUMBER) ?? []).every((n) => found.has(n));
}

/**
 * LangChain's ChatOpenAI against any OpenAI-compatible service (DeepSeek, Qwen, Ollama, vLLM). Timeouts,
 * errors and answers that fail the checks fall back to the offline answer: the LLM only ever improves wording.
 */
export class LlmPhraser implements AnswerPhraser {
  private constructor(
    private readonly chat: ChatOpenAI,
    private readonly answerPrompt: string,
    private readonly classifyPrompt: string,
    private readonly log: (msg: string, err?: unknown) => void,
  ) {}

  static async create(s: LlmSettings, log: (msg: string, err?: unknown) => void = () => {}): Promise<LlmPhraser> {
    const chat = new ChatOpenAI({
      model: s.model,
      apiKey: s.apiKey || 'not-needed',
      configuration: { baseURL: s.baseUrl },
      temperature: 0,
      timeout: s.timeoutMs,
      maxRetries: 0,
    });
    const [answer, classify] = await Promise.all([
      readFile(path.join(s.promptsDir, 'answer.md'), 'utf8'),
      readFile(path.join(s.promptsDir, 'classify.md'), 'utf8'),
    ]);
    return new LlmPhraser(chat, answer, classify, log);
  }

  async phrase(question: string, passages: SearchHit[]): Promise<Phrased | 'not_in_passages' | null> {
    if (!passages.length) return 'not_in_passages';
    const numbered = passages.map((p, i) => `[${i + 1}] ${p.title}：${p.content}`).join('\n');
    let text: string;
    try {
      const res = await this.chat.invoke([
        { role: 'system', content: this.answerPrompt.replace('{passages}', numbered) },
        { role: 'user', content: question },
      ]);
      text = String(typeof res.content === 'string' ? res.content : res.content.map((c) => ('text' in c ? c.text : '')).join('')).trim();
    } catch (err) {
      this.log('llm answer failed; using the offline answer', err);
      return null;
    }
    if (!text) return null;
    if (/NOT_IN_PASSAGES/i.test(text)) return 'not_in_passages';
    const cited = [...new Set([...text.matchAll(/\[(\d)\]/g)].map((m) => Number(m[1]) - 1))]
      .filter((i) => i >= 0 && i < passages.length)
      .map((i) => passages[i]);
    if (!cited.length) {
      this.log('llm answer cites no passage; using the offline answer');
      return null;
    }
    const answer = text.replace(/\s*\[\d\]/g, '');
    if (!numbersSupported(answer, [question, ...cited.map((c) => `${c.title}\n${c.content}`)])) {
      this.log('llm answer has a number that is in no cited passage; rejected');
      return null;
    }
    return { text: answer, cited };
  }

  async classify(question: string): Promise<Intent | null> {
    try {
      const res = await this.chat.invoke([
        { role: 'system', content: this.classifyPrompt },
        { role: 'user', content: question },
      ]);
      const word = String(res.content).trim().toLowerCase().replace(/[^a-z]/g, '');
      return (INTENTS as readonly string[]).includes(word) ? (word as Intent) : null;
    } catch (err) {
      this.log('llm classification failed', err);
      return null;
    }
  }
}
