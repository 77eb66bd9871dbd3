import { readFile } from 'node:fs/promises';

/**
 * A fitted model shipped with the seeds, read and checked at start, so a missing or broken file stops the
 * start with the command that rebuilds it instead of failing at the first question.
 */
export async function readModelFile<T>(file: string, what: string, refit: string, check: (value: unknown, file: string) => T): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`读不到${what} ${file}：请运行 ${refit} 生成`, { cause: err });
  }
  try {
    return check(JSON.parse(text), file);
  } catch (err) {
    throw new Error(`${what} ${file} 坏了：请运行 ${refit} 重新生成`, { cause: err });
  }
}
