import path from 'node:path';
import { checkModel, type IntentModel } from './intent-model.ts';
import { readModelFile } from './model-file.ts';

/** The fitted intent classifier shipped with the seeds (seeds/intents/model.json, `npm run intents:fit`). */
export function loadIntentModel(seedsDir: string): Promise<IntentModel> {
  return readModelFile(path.join(seedsDir, 'intents', 'model.json'), '意图模型', 'npm run intents:fit', checkModel);
}
