import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkModel, type IntentModel } from './intent-model.ts';

/** The fitted intent classifier shipped with the seeds (seeds/intents/model.json, `npm run intents:fit`). */
export async function loadIntentModel(seedsDir: string): Promise<IntentModel> {
  const file = path.join(seedsDir, 'intents', 'model.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`读不到意图模型 ${file}：请运行 npm run intents:fit 生成`, { cause: err });
  }
  try {
    return checkModel(JSON.parse(text), file);
  } catch (err) {
    throw new Error(`意图模型 ${file} 坏了：请运行 npm run intents:fit 重新生成`, { cause: err });
  }
}
