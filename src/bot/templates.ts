import { readFile } from 'node:fs/promises';
import path from 'node:path';

export type Templates = Record<string, string>;

/** Reply templates from prompts/replies.json, loaded once at start so wording can change without code. */
export async function loadTemplates(promptsDir: string): Promise<Templates> {
  const file = path.join(promptsDir, 'replies.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Templates;
  } catch (err) {
    throw new Error(`cannot read reply templates from ${file}: ${(err as Error).message}`, { cause: err });
  }
}

export function fill(templates: Templates, key: string, values: Record<string, string | number> = {}): string {
  const template = templates[key];
  if (template === undefined) throw new Error(`reply template "${key}" is missing from prompts/replies.json`);
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}
