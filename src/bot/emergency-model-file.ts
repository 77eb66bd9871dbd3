import path from 'node:path';
import { checkEmergencyModel, type EmergencyModel } from './emergency-model.ts';
import { readModelFile } from './model-file.ts';

/** The fitted emergency classifier shipped with the seeds (seeds/emergency/model.json, `npm run emergency:fit`). */
export function loadEmergencyModel(seedsDir: string): Promise<EmergencyModel> {
  return readModelFile(path.join(seedsDir, 'emergency', 'model.json'), '紧急情况模型', 'npm run emergency:fit', checkEmergencyModel);
}
