import { MemoryStorage, TestAdapter, type StoreItems, type TurnContext } from 'botbuilder';
import { SnapshotConversationState, SnapshotUserState } from '../../src/bot/snapshotState';

/** A storage that counts what reaches it. */
class CountingStorage extends MemoryStorage {
  writes: string[] = [];
  override write(changes: StoreItems): Promise<void> {
    this.writes.push(...Object.keys(changes));
    return super.write(changes);
  }
}

interface Memory {
  count: number;
  topics: string[];
}

/** A bot that counts "count" messages and otherwise only reads its state; "forget" clears it. */
function counter(storage: CountingStorage) {
  const conversation = new SnapshotConversationState(storage);
  const user = new SnapshotUserState(storage);
  const memory = conversation.createProperty<Memory>('memory');
  const seen = user.createProperty<{ name?: string }>('profile');
  const adapter = new TestAdapter(async (context: TurnContext) => {
    const m = await memory.get(context, { count: 0, topics: [] });
    const profile = await seen.get(context, {});
    const text = context.activity.text ?? '';
    if (text === 'count') m.count++;
    if (text.startsWith('topic ')) m.topics.push(text.slice(6));
    if (text.startsWith('name ')) profile.name = text.slice(5);
    if (text === 'forget') await conversation.clear(context);
    await context.sendActivity(`${m.count} ${m.topics.join(',')} ${profile.name ?? '-'}`);
    await conversation.saveChanges(context);
    await user.saveChanges(context);
  });
  return { adapter, conversation };
}

/** Sends messages one turn at a time, dropping their replies. */
async function tell(adapter: TestAdapter, ...messages: string[]): Promise<void> {
  for (const m of messages) {
    await adapter.send(m).startTest();
    adapter.activeQueue.splice(0);
  }
}

describe('bot state written only when a turn changed it', () => {
  test('when a turn only reads the state, then nothing is written; when it changes it, the change is kept', async () => {
    const storage = new CountingStorage();
    const { adapter } = counter(storage);
    await adapter.send('count').assertReply('1  -').startTest();
    const afterFirst = storage.writes.length;
    expect(afterFirst).toBe(2); // the new conversation and the new user
    await adapter.send('hello').assertReply('1  -').startTest();
    await adapter.send('hello again').assertReply('1  -').startTest();
    expect(storage.writes.length).toBe(afterFirst);
    await adapter.send('topic dates').assertReply('1 dates -').startTest();
    expect(storage.writes.filter((k) => k.includes('/conversations/')).length).toBe(2);
    await adapter.send('name Ada').assertReply('1 dates Ada').startTest();
    expect(storage.writes.filter((k) => k.includes('/users/')).length).toBe(2);
    await adapter.send('hello').assertReply('1 dates Ada').startTest();
  });

  test('when a turn changes something inside a list, then it is written', async () => {
    const storage = new CountingStorage();
    const { adapter } = counter(storage);
    await tell(adapter, 'topic a', 'topic b');
    const before = storage.writes.length;
    await adapter.send('topic b').assertReply('0 a,b,b -').startTest();
    expect(storage.writes.length).toBe(before + 1);
  });

  test('when the state is cleared, then the cleared state is written and read back empty', async () => {
    const storage = new CountingStorage();
    const { adapter } = counter(storage);
    await tell(adapter, 'count', 'count', 'forget');
    await adapter.send('hello').assertReply('0  -').startTest();
  });

  test('when the state is deleted, then it is gone from the storage', async () => {
    const storage = new CountingStorage();
    const { adapter, conversation } = counter(storage);
    await adapter.send('count').startTest();
    const key = storage.writes.find((k) => k.includes('/conversations/'))!;
    expect(Object.keys(await storage.read([key]))).toEqual([key]);
    await adapter.processActivity({ type: 'event', name: 'x' }, (context) => conversation.delete(context));
    expect(await storage.read([key])).toEqual({});
  });
});
