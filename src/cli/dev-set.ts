/**
 * Where the labelled question–answer pairs of `npm run calibrate` and `npm run eval` are: `--pairs <file>`,
 * else the environment's AGRI_QA_DEV. The agri-qa dev set is not shipped with the project (its licence is
 * non-commercial), so there is no default path: without one the command stops and says how to give it.
 */
import { existsSync } from 'node:fs';

export const DEV_SET_ENV = 'AGRI_QA_DEV';

/** The pairs file named by `--pairs` or AGRI_QA_DEV; exits 2 with a message in Chinese and English without one. */
export function devSetPath(flag: string | undefined, usage: string): string {
  const file = flag || process.env[DEV_SET_ENV];
  if (!file) {
    console.error(
      `没有指定问答集：用 --pairs <file.jsonl> 或环境变量 ${DEV_SET_ENV}=<file.jsonl> 指定（agri-qa 开发集不随项目发布）。\n`
      + `No question–answer pairs given: pass --pairs <file.jsonl> or set ${DEV_SET_ENV}=<file.jsonl> (the agri-qa dev set is not shipped).\n`
      + usage,
    );
    process.exit(2);
  }
  if (!existsSync(file)) {
    const from = flag ? '--pairs' : DEV_SET_ENV;
    console.error(`找不到问答集文件 ${file}（${from}）。\nPairs file not found: ${file} (from ${from}).`);
    process.exit(2);
  }
  return file;
}
