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

describe('between instances, through leases in the shared database', () => {
  /** Leases as the database keeps them; `other` is a turn of another instance. */
  function memoryLeases() {
    const held = new Map<string, string>();
    return {
      held,
      acquire: jest.fn(async (key: string, holder: string) => {
        if (held.has(key)) return false;
        held.set(key, holder);
        return true;
      }),
      release: jest.fn(async (key: string, holder: string) => {
        if (held.get(key) === holder) held.delete(key);
      }),
    };
  }

  test('when another instance holds the conversation, then the turn runs once it is given back, and gives its own back', async () => {
    const leases = memoryLeases();
    const errors: string[] = [];
    const order = new TurnOrder(5_000, { leases, onError: (_e, action) => errors.push(action) });
    leases.held.set('web/a', 'other');
    let ran = false;
    const turn = order.run('web/a', async () => {
      ran = true;
      return leases.held.get('web/a');
    });
    await later(60);
    expect(ran).toBe(false);
    leases.held.delete('web/a');
    const holder = await turn;
    expect(holder).toEqual(expect.any(String));
    expect(holder).not.toBe('other');
    expect(leases.held.has('web/a')).toBe(false);
    expect(errors).toEqual([]);
  });

  test('when the other instance never gives it back, then the turn runs after the longest wait, and the wait is reported', async () => {
    const leases = memoryLeases();
    const errors: string[] = [];
    const order = new TurnOrder(150, { leases, onError: (_e, action) => errors.push(action) });
    leases.held.set('web/a', 'other');
    await expect(order.run('web/a', async () => 'answered')).resolves.toBe('answered');
    expect(errors).toEqual(['wait']);
    expect(leases.held.get('web/a')).toBe('other');
  });

  test('when the database cannot be asked, then the turn runs all the same, and the failure is reported', async () => {
    const errors: Array<[string, string]> = [];
    const down = { acquire: async () => Promise.reject(new Error('ECONNREFUSED')), release: async () => Promise.reject(new Error('ECONNREFUSED')) };
    const order = new TurnOrder(5_000, { leases: down, onError: (e, action) => errors.push([action, (e as Error).message]) });
    await expect(order.run('web/a', async () => 'answered')).resolves.toBe('answered');
    expect(errors).toEqual([['take', 'ECONNREFUSED']]);
  });

  test('when giving the lease back fails, then the turn’s answer stands and the failure is reported', async () => {
    const leases = memoryLeases();
    leases.release.mockRejectedValueOnce(new Error('connection reset'));
    const errors: string[] = [];
    const order = new TurnOrder(5_000, { leases, onError: (_e, action) => errors.push(action) });
    await expect(order.run('web/a', async () => 'answered')).resolves.toBe('answered');
    expect(errors).toEqual(['give back']);
  });
});
