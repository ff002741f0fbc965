/**
 * A bounded map of results of a pure function, so that questions made of ever new words cannot grow
 * it without limit. Recently used entries are kept, in two generations: a hit in the young one is a
 * single lookup (a strict least-recently-used order would move the entry on every hit), a hit in the
 * old one moves it to the young; when the young one is full, the old one is dropped whole and the
 * young one becomes old. At most `max` entries; at least the `max / 2` most recently used.
 */
export class Memo<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  private readonly half: number;

  constructor(max: number) {
    this.half = Math.max(1, Math.floor(max / 2));
  }

  get(key: string, compute: (key: string) => V): V {
    const hit = this.peek(key);
    if (hit !== undefined) return hit;
    const value = compute(key);
    this.set(key, value);
    return value;
  }

  /** The value kept for key, if any, counted as just used. */
  peek(key: string): V | undefined {
    const hit = this.young.get(key);
    if (hit !== undefined) return hit;
    const aged = this.old.get(key);
    if (aged !== undefined) {
      this.old.delete(key);
      this.set(key, aged);
    }
    return aged;
  }

  set(key: string, value: V): void {
    this.old.delete(key);
    if (this.young.size >= this.half && !this.young.has(key)) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  delete(key: string): void {
    this.young.delete(key);
    this.old.delete(key);
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}
