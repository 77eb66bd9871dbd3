import { createHash } from 'node:crypto';

/** A held-out question is in the judge half when the first byte of the SHA-256 of its text is odd. */
export function splitOf(question: string): 'tune' | 'judge' {
  return createHash('sha256').update(question).digest()[0] % 2 === 1 ? 'judge' : 'tune';
}
