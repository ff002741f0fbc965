import { TurnOrder, type TurnOrderTrouble } from '../../src/bot/turnOrder';

const later = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** An order whose reports are kept, as the bot logs them. */
function ordered(maxWaitMs: number, leases?: ConstructorParameters<typeof TurnOrder>[0]['leases']) {
  const troubles: Array<[TurnOrderTrouble, string]> = [];
  const order = new TurnOrder({ maxWaitMs, leases, onError: (e, trouble) => troubles.push([trouble, (e as Error).message]) });
  return { order, troubles };
}

/** A turn that notes its start, lasts `ms` (none: ends at once, unnoted), and notes its end. */
function turn(events: string[], name: string, ms?: number) {
  return async () => {
    events.push(`${name} starts`);
    if (ms === undefined) return;
    await later(ms);
    events.push(`${name} ends`);
  };
}

test('when two turns of one conversation overlap, then the second starts only after the first has ended', async () => {
  const { order, troubles } = ordered(5_000);
  const events: string[] = [];
  const first = order.run('web/a', turn(events, 'first', 50));
  const second = order.run('web/a', turn(events, 'second'));
  await Promise.all([first, second]);
  expect(events).toEqual(['first starts', 'first ends', 'second starts']);
  expect(order.size).toBe(0);
  expect(troubles).toEqual([]);
});

test('when another conversation has a turn running, then a turn does not wait for it', async () => {
  const { order } = ordered(5_000);
  let release!: () => void;
  const slow = order.run('web/a', () => new Promise<void>((r) => (release = r)));
  await expect(order.run('msteams/b', async () => 'answered')).resolves.toBe('answered');
  release();
  await slow;
});

test('when a turn fails, then the next turn of its conversation still runs', async () => {
  const { order } = ordered(5_000);
  const failed = order.run('web/a', async () => {
    throw new Error('database down');
  });
  await expect(failed).rejects.toThrow('database down');
  await expect(order.run('web/a', async () => 'next')).resolves.toBe('next');
});

test('when a turn never ends, then the next one runs after the longest wait, reported, and the ones after it still wait for it', async () => {
  const { order, troubles } = ordered(100);
  void order.run('web/a', () => new Promise<void>(() => undefined));
  const events: string[] = [];
  const second = order.run('web/a', turn(events, 'second', 30));
  const third = order.run('web/a', turn(events, 'third'));
  await Promise.all([second, third]);
  expect(events).toEqual(['second starts', 'second ends', 'third starts']);
  expect(troubles).toEqual([['wait', expect.stringMatching(/had not ended after 100 ms/)]]);
});

test('when the app stops, then it can wait for the turns running to end', async () => {
  const { order } = ordered(5_000);
  let ended = false;
  void order.run('web/a', async () => {
    await later(50);
    ended = true;
  });
  await order.idle(2_000);
  expect(ended).toBe(true);
});

describe('between instances, through leases in the shared database', () => {
  /** Leases as the database keeps them, each until it runs out; "other" is a turn of another instance. */
  function memoryLeases() {
    const held = new Map<string, string>();
    const until = new Map<string, number>();
    return {
      held,
      acquire: jest.fn(async (key: string, holder: string, ttlMs: number) => {
        if (held.has(key) && (until.get(key) ?? Infinity) > Date.now()) return false;
        held.set(key, holder);
        until.set(key, Date.now() + ttlMs);
        return true;
      }),
      renew: jest.fn(async (key: string, holder: string, ttlMs: number) => {
        if (held.get(key) !== holder) return false;
        until.set(key, Date.now() + ttlMs);
        return true;
      }),
      release: jest.fn(async (key: string, holder: string) => {
        if (held.get(key) === holder) held.delete(key);
      }),
    };
  }

  test('when another instance holds the conversation, then the turn runs once it is given back, and gives its own back', async () => {
    const leases = memoryLeases();
    const { order, troubles } = ordered(5_000, leases);
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
    expect(troubles).toEqual([]);
  });

  test('when a turn runs longer than a lease lives, then its lease is renewed, and the other instance’s turn waits for it to end', async () => {
    const leases = memoryLeases();
    const one = ordered(60, leases);
    const two = ordered(1_000, leases);
    const events: string[] = [];
    const long = one.order.run('web/a', async () => {
      events.push('long starts');
      await later(250);
      events.push('long ends');
    });
    await later(10);
    await two.order.run('web/a', async () => {
      events.push('other instance starts');
    });
    await long;
    expect(events).toEqual(['long starts', 'long ends', 'other instance starts']);
    expect([...one.troubles, ...two.troubles]).toEqual([]);
  });

  test('when the other instance never gives it back, then the turn runs after the longest wait, and the wait is reported', async () => {
    const leases = memoryLeases();
    const { order, troubles } = ordered(150, leases);
    leases.held.set('web/a', 'other');
    await expect(order.run('web/a', async () => 'answered')).resolves.toBe('answered');
    expect(troubles).toEqual([['wait', expect.stringMatching(/another instance/)]]);
    expect(leases.held.get('web/a')).toBe('other');
  });

  test('when the database cannot be asked, then the turn runs all the same, and the failure is reported', async () => {
    const down = { acquire: () => Promise.reject(new Error('ECONNREFUSED')), renew: () => Promise.reject(new Error('ECONNREFUSED')), release: () => Promise.reject(new Error('ECONNREFUSED')) };
    const { order, troubles } = ordered(5_000, down);
    await expect(order.run('web/a', async () => 'answered')).resolves.toBe('answered');
    expect(troubles).toEqual([['take', 'ECONNREFUSED']]);
  });

  test('when the database does not answer, then the turn runs after the longest wait, and a lease granted late is given back', async () => {
    const leases = memoryLeases();
    let grant!: (v: boolean) => void;
    leases.acquire.mockImplementationOnce((key: string, holder: string) => new Promise<boolean>((r) => (grant = (v) => (leases.held.set(key, holder), r(v)))));
    const { order, troubles } = ordered(100, leases);
    await expect(order.run('web/a', async () => 'answered')).resolves.toBe('answered');
    expect(troubles).toEqual([['take', expect.stringMatching(/did not answer/)]]);
    grant(true);
    for (let i = 0; i < 50 && leases.held.size; i++) await later(5);
    expect(leases.held.size).toBe(0);
  });

  test('when giving the lease back fails or hangs, then the turn’s answer stands, the turn still ends, and a failure is reported', async () => {
    const leases = memoryLeases();
    leases.release.mockRejectedValueOnce(new Error('connection reset'));
    const { order, troubles } = ordered(5_000, leases);
    await expect(order.run('web/a', async () => 'answered')).resolves.toBe('answered');
    expect(troubles).toEqual([['give back', 'connection reset']]);
    leases.release.mockImplementationOnce(() => new Promise<void>(() => undefined));
    await expect(order.run('msteams/b', async () => 'answered')).resolves.toBe('answered');
    expect(order.size).toBe(0);
  });
});
