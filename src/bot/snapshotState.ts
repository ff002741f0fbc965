import { JSON_AS_READ, JSON_TO_WRITE } from '../storage/botState';
import { ConversationState, UserState, type BotState, type Storage, type TurnContext } from 'botbuilder';

type StateObject = Record<string, unknown> & { eTag?: string };

interface Cached {
  state: StateObject;
  /** The state as read or last written, serialized: what "changed" is measured against. */
  snapshot: string;
}

/** The state without its eTag, as JSON: two equal snapshots mean nothing to write. */
function snapshotOf(state: StateObject): string {
  const { eTag: _eTag, ...rest } = state;
  return JSON.stringify(rest);
}

/**
 * botbuilder's BotState behaviour (cached per turn, written only when changed), with the change
 * measured by comparing the serialized state at the end of the turn with the state as read: plain
 * JSON.stringify, once at load and once at save, instead of botbuilder's replacer-driven serializer
 * and SHA-256 three times a turn. State is plain JSON data (it is stored as JSON).
 */
class Snapshots {
  private readonly key = Symbol('state snapshot');

  constructor(
    private readonly storage: Storage,
    private readonly storageKey: (context: TurnContext) => string | Promise<string>,
  ) {}

  async load(context: TurnContext, force: boolean): Promise<StateObject> {
    const cached = context.turnState.get<Cached | undefined>(this.key);
    if (!force && cached?.state) return cached.state;
    const key = await this.storageKey(context);
    const items = await this.storage.read([key]);
    const state = (items[key] ?? {}) as StateObject;
    // The JSON the state was read from is its snapshot already (SQLite's text; PostgreSQL's JSONB is read parsed).
    const stored = (state as { [JSON_AS_READ]?: string })[JSON_AS_READ];
    context.turnState.set(this.key, { state, snapshot: stored ?? snapshotOf(state) });
    return state;
  }

  async save(context: TurnContext, force: boolean): Promise<void> {
    let cached = context.turnState.get<Cached | undefined>(this.key);
    if (!force && !cached) return;
    // Serialized once: compared with the snapshot, and the snapshot once written (the eTag is not part of it).
    const now = cached ? snapshotOf(cached.state) : '{}';
    if (!force && cached!.snapshot === now) return;
    const key = await this.storageKey(context);
    cached ??= { state: {}, snapshot: '' };
    cached.state.eTag = '*';
    // The JSON just made goes with the item: the storage need not serialize the state a second time.
    const item = { ...cached.state };
    Object.defineProperty(item, JSON_TO_WRITE, { value: now, enumerable: false });
    await this.storage.write({ [key]: item });
    cached.snapshot = now;
    context.turnState.set(this.key, cached);
  }

  clear(context: TurnContext): void {
    // An empty snapshot differs from any state: the cleared state is written at the end of the turn.
    context.turnState.set(this.key, { state: {}, snapshot: '' });
  }

  async delete(context: TurnContext): Promise<void> {
    context.turnState.delete(this.key);
    await this.storage.delete([await this.storageKey(context)]);
  }

  get(context: TurnContext): StateObject | undefined {
    const cached = context.turnState.get<Cached | undefined>(this.key);
    return typeof cached === 'object' && typeof cached.state === 'object' ? cached.state : undefined;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's base must take any[]
type KeyedState = new (...args: any[]) => BotState & { getStorageKey(context: TurnContext): string | undefined };

/** A ConversationState or UserState whose cache and writes go through Snapshots. */
function withSnapshots<Base extends KeyedState>(base: Base) {
  return class extends base {
    private readonly snapshots: Snapshots;

    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's constructor must take any[]
    constructor(...args: any[]) {
      const storage = args[0] as Storage;
      super(storage);
      this.snapshots = new Snapshots(storage, (context) => this.getStorageKey(context) ?? '');
    }

    override load(context: TurnContext, force = false): Promise<StateObject> {
      return this.snapshots.load(context, force);
    }

    override saveChanges(context: TurnContext, force = false): Promise<void> {
      return this.snapshots.save(context, force);
    }

    override clear(context: TurnContext): Promise<void> {
      this.snapshots.clear(context);
      return Promise.resolve();
    }

    override delete(context: TurnContext): Promise<void> {
      return this.snapshots.delete(context);
    }

    override get(context: TurnContext): StateObject | undefined {
      return this.snapshots.get(context);
    }
  };
}

/** Conversation state written only when a turn changed it. */
export const SnapshotConversationState = withSnapshots(ConversationState);
/** User state written only when a turn changed it. */
export const SnapshotUserState = withSnapshots(UserState);
