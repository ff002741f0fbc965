import { TurnOrder } from '../../src/bot/turnOrder';

const later = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

test('when two turns of one conversation overlap, then the second starts only after the first has ended', async () => {
  const order = new TurnOrder(5_000);
  const events: string[] = [];
  const first = order.run('web/a', async () => {
    events.push('first starts');
    await later(50);
    events.push('first ends');
  });
  const second = order.run('web/a', async () => {
    events.push('second starts');
  });
  await Promise.all([first, second]);
  expect(events).toEqual(['first starts', 'first ends', 'second starts']);
  expect(order.size).toBe(0);
});

test('when another conversation has a turn running, then a turn does not wait for it', async () => {
  const order = new TurnOrder(5_000);
  let release!: () => void;
  const slow = order.run('web/a', () => new Promise<void>((r) => (release = r)));
  await expect(order.run('msteams/b', async () => 'answered')).resolves.toBe('answered');
  release();
  await slow;
});

test('when a turn fails, then the next turn of its conversation still runs', async () => {
  const order = new TurnOrder(5_000);
  const failed = order.run('web/a', async () => {
    throw new Error('database down');
  });
  await expect(failed).rejects.toThrow('database down');
  await expect(order.run('web/a', async () => 'next')).resolves.toBe('next');
});

test('when a turn never ends, then the next one runs after the longest wait, and later ones follow in order', async () => {
  const order = new TurnOrder(100);
  void order.run('web/a', () => new Promise<void>(() => undefined));
  const events: string[] = [];
  const second = order.run('web/a', async () => {
    events.push('second');
    await later(20);
  });
  const third = order.run('web/a', async () => {
    events.push('third');
  });
  await Promise.all([second, third]);
  expect(events).toEqual(['second', 'third']);
});
