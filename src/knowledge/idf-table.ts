/**
 * jieba's IDF table (about 270,000 `word value` lines) in a compact form: the words' UTF-16 code units in
 * one Uint16Array, their offsets and values in typed arrays, and an open-addressing hash over them. Looked up
 * without allocating. A Map<string, number> of the same table costs ~35 MB of heap plus a transient peak of
 * one string per line while it is built; this costs ~9 MB and builds in one pass over the text.
 */
export class IdfTable {
  private constructor(
    private readonly chars: Uint16Array,
    /** Word i is chars[starts[i] .. starts[i + 1]). */
    private readonly starts: Uint32Array,
    private readonly values: Float64Array,
    /** Slot → word index + 1 (0 = empty); size a power of two, at most half full. */
    private readonly slots: Uint32Array,
    readonly size: number,
    readonly median: number,
  ) {}

  /** Parses `word value` lines (the last space separates them); lines without a finite value are skipped. */
  static parse(text: string): IdfTable {
    let lineCount = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineCount++;
    const chars = new Uint16Array(text.length);
    const starts = new Uint32Array(lineCount + 1);
    const values = new Float64Array(lineCount);
    let n = 0;
    let used = 0;
    for (let begin = 0; begin < text.length; ) {
      let end = text.indexOf('\n', begin);
      if (end === -1) end = text.length;
      const space = text.lastIndexOf(' ', end - 1);
      if (space > begin) {
        const v = Number(text.slice(space + 1, end));
        if (Number.isFinite(v)) {
          starts[n] = used;
          for (let i = begin; i < space; i++) chars[used++] = text.charCodeAt(i);
          values[n++] = v;
        }
      }
      begin = end + 1;
    }
    starts[n] = used;
    let capacity = 16;
    while (capacity < n * 2) capacity *= 2;
    const own = values.slice(0, n);
    const median = n ? own.slice().sort()[Math.floor(n / 2)] : 10;
    const table = new IdfTable(chars.slice(0, used), starts.slice(0, n + 1), own, new Uint32Array(capacity), n, median);
    for (let i = 0; i < n; i++) table.insert(i);
    return table;
  }

  get(word: string): number | undefined {
    const i = this.find(word);
    return i < 0 ? undefined : this.values[i];
  }

  has(word: string): boolean {
    return this.find(word) >= 0;
  }

  private insert(index: number): void {
    const mask = this.slots.length - 1;
    const from = this.starts[index];
    const to = this.starts[index + 1];
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ this.chars[i], 0x01000193);
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const other = this.slots[slot];
      if (other === 0) {
        this.slots[slot] = index + 1;
        return;
      }
      if (this.equals(other - 1, this.chars, from, to)) {
        this.values[other - 1] = this.values[index]; // a repeated word: the later line wins, as Map.set did
        return;
      }
    }
  }

  private find(word: string): number {
    const mask = this.slots.length - 1;
    let h = 0x811c9dc5;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot];
      if (entry === 0) return -1;
      if (this.matches(entry - 1, word)) return entry - 1;
    }
  }

  private matches(index: number, word: string): boolean {
    const from = this.starts[index];
    if (this.starts[index + 1] - from !== word.length) return false;
    for (let i = 0; i < word.length; i++) if (this.chars[from + i] !== word.charCodeAt(i)) return false;
    return true;
  }

  private equals(index: number, chars: Uint16Array, from: number, to: number): boolean {
    const start = this.starts[index];
    if (this.starts[index + 1] - start !== to - from) return false;
    for (let i = 0; i < to - from; i++) if (this.chars[start + i] !== chars[from + i]) return false;
    return true;
  }
}
