import { Memo } from '../../src/memo';

describe('the bounded memo', () => {
  test('when ever new keys come, then it never holds more than its bound, and a key used all along is still there', () => {
    const memo = new Memo<number>(100);
    let computed = 0;
    const compute = (k: string) => (computed++, k.length);
    memo.get('kept', compute);
    for (let i = 0; i < 10_000; i++) {
      memo.get(`new ${i}`, compute);
      if (i % 40 === 0) memo.get('kept', compute);
      expect(memo.size).toBeLessThanOrEqual(100);
    }
    const before = computed;
    memo.get('kept', compute);
    expect(computed).toBe(before);
  });

  test('when a value is set, peeked, deleted or cleared, then reads follow', () => {
    const memo = new Memo<string>(4);
    memo.set('a', '1');
    memo.set('a', '2');
    expect(memo.peek('a')).toBe('2');
    for (const k of ['b', 'c', 'd']) memo.set(k, k);
    expect(memo.peek('a')).toBe('2');
    memo.delete('a');
    expect(memo.peek('a')).toBeUndefined();
    memo.clear();
    expect(memo.size).toBe(0);
  });
});
