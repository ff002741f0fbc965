import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { Logger } from '../logger';

/** Tells the streams of a conversation that it has new activities, on this instance or on all. */
export interface ActivityHub {
  publish(conversationId: string): void;
  /** Calls the listener on each new activity of the conversation; returns the unsubscribe function. */
  subscribe(conversationId: string, listener: () => void): () => void;
  close(): Promise<void>;
}

/** One instance (SQLite): the streams are all in this process. */
export class LocalHub implements ActivityHub {
  protected readonly events = new EventEmitter();

  constructor() {
    this.events.setMaxListeners(0);
  }

  publish(conversationId: string): void {
    this.events.emit(conversationId);
  }

  subscribe(conversationId: string, listener: () => void): () => void {
    this.events.on(conversationId, listener);
    return () => this.events.off(conversationId, listener);
  }

  close(): Promise<void> {
    this.events.removeAllListeners();
    return Promise.resolve();
  }
}

const CHANNEL = 'directline_activity';

/**
 * Several instances on one PostgreSQL: a new activity is announced with NOTIFY (after its row is
 * committed), and every instance, this one included, hears it on a LISTEN connection and wakes its
 * own streams of that conversation. The connection is reopened if it drops.
 */
export class PostgresHub extends LocalHub {
  private client: pg.PoolClient | undefined;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
  ) {
    super();
  }

  async start(): Promise<void> {
    const client = await this.pool.connect();
    client.on('notification', (msg) => {
      if (msg.channel === CHANNEL && msg.payload) this.events.emit(msg.payload);
    });
    client.on('error', (err) => {
      this.logger.warn({ err }, 'direct line notifications lost their connection; reconnecting');
      client.release(err);
      this.client = undefined;
      if (!this.closed) setTimeout(() => void this.start().catch((e: unknown) => this.logger.error({ err: e }, 'could not listen for direct line activities')), 1000).unref();
    });
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  override publish(conversationId: string): void {
    this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, conversationId]).catch((err: unknown) => {
      // Streams on this instance still hear it; others catch up on their next activity or reconnect.
      this.logger.warn({ err }, 'could not announce a direct line activity');
      super.publish(conversationId);
    });
  }

  override async close(): Promise<void> {
    this.closed = true;
    if (this.client) {
      await this.client.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
      this.client.release();
      this.client = undefined;
    }
    await super.close();
  }
}
