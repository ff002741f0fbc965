/**
 * Participants as the cluster test drives them through the proxy. Like people (and like channels,
 * which redeliver), they repeat what got no answer, and they answer what the bot asks rather than a
 * fixed script: when an instance dies after it saved a step but before its answer left, the repeated
 * message may land on the next question, and a participant reads the summary and corrects it, as
 * a person would.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A request that takes longer is given up and repeated, as a channel would. */
const REQUEST_TIMEOUT_MS = 20_000;

export interface Counters {
  /** Turns that reached the bot and were answered. */
  turns: number;
  /** Requests repeated after a 5xx or a broken connection. */
  retries: number;
  /** Confirmation turn latencies through the proxy, in ms. */
  latencies: number[];
}

export const newCounters = (): Counters => ({ turns: 0, retries: 0, latencies: [] });

interface Reply {
  text?: string;
}

/** A person confirming their participation over /api/messages (expectReplies), as a channel relays them. */
export class ConfirmingParticipant {
  readonly userId = `user-${randomUUID()}`;
  readonly conversationId = `conv-${randomUUID()}`;
  reference: string | undefined;
  /** Fields the participant had to correct after reading the summary. */
  readonly corrected: string[] = [];

  constructor(
    private readonly base: string,
    readonly details: { name: string; organisation: string; email: string; country: string },
    private readonly counters: Counters,
  ) {}

  /** One message; repeated with the same activity id (as a channel redelivers) until an instance answers. */
  private async say(text: string): Promise<string> {
    const activity = {
      type: 'message',
      id: randomUUID(),
      channelId: 'webchat',
      serviceUrl: 'http://127.0.0.1:9/',
      recipient: { id: 'bot' },
      from: { id: this.userId },
      conversation: { id: this.conversationId },
      locale: 'en-US',
      text,
      deliveryMode: 'expectReplies',
    };
    for (let attempt = 0; attempt < 20; attempt++) {
      const started = performance.now();
      const res = await fetch(`${this.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).catch(() => undefined);
      if (res?.ok) {
        const replies = ((await res.json()) as { activities?: Reply[] }).activities ?? [];
        this.counters.turns++;
        this.counters.latencies.push(performance.now() - started);
        return replies.map((r) => r.text ?? '').join('\n');
      }
      if (res && res.status < 500) throw new Error(`${text}: ${res.status} ${await res.text()}`);
      this.counters.retries++;
      await sleep(200);
    }
    throw new Error(`${text}: no instance answered after 20 attempts`);
  }

  /** What the participant answers to the bot's last question. */
  private answer(replies: string, pendingCorrection: string | undefined): string | undefined {
    const d = this.details;
    if (/What would you like to correct\?/.test(replies)) return pendingCorrection;
    if (/Is everything correct\?/.test(replies)) {
      const wrong = this.wrongField(replies);
      return wrong ? 'no' : 'yes';
    }
    if (/May I store these details/.test(replies)) return 'yes';
    if (/full name/.test(replies)) return d.name;
    if (/organisation do you represent/.test(replies)) return d.organisation;
    if (/email address/.test(replies)) return d.email;
    if (/stakeholder group/.test(replies)) return 'civil society';
    if (/country are you from/.test(replies)) return d.country;
    return undefined;
  }

  /** The first field of the summary shown that is not what the participant said, if any. */
  private wrongField(replies: string): string | undefined {
    if (!/Here is what I will record/.test(replies)) return undefined;
    const shown = (label: string) => new RegExp(`^- ${label}: (.*)$`, 'm').exec(replies)?.[1]?.trim();
    const d = this.details;
    const checks: Array<[string, string]> = [
      ['Name', d.name],
      ['Organisation', d.organisation],
      ['Email', d.email],
      ['Country', d.country],
    ];
    return checks.find(([label, expected]) => shown(label) !== expected)?.[0];
  }

  /** Confirms the sub-regional consultation; resolves with the reference the bot gave. */
  async confirm(): Promise<string> {
    let replies = await this.say("I'd like to confirm my participation in the sub-regional consultation");
    let pendingCorrection: string | undefined;
    for (let step = 0; step < 30; step++) {
      const reference = /Your reference: \*\*(UNEA-[A-Z0-9-]+)\*\*/.exec(replies)?.[1];
      if (reference) return (this.reference = reference);
      const wrong = /Is everything correct\?/.test(replies) ? this.wrongField(replies) : undefined;
      if (wrong) {
        pendingCorrection = wrong;
        this.corrected.push(wrong);
      }
      const next = this.answer(replies, pendingCorrection);
      if (next === undefined) throw new Error(`${this.userId}: no answer to ${JSON.stringify(replies.slice(0, 300))}`);
      replies = await this.say(next);
    }
    throw new Error(`${this.userId}: the confirmation did not end`);
  }
}

interface DlActivity {
  type: string;
  id?: string;
  text?: string;
  from: { id: string; role?: string };
  replyToId?: string;
}

/** A web chat page: the built-in Direct Line through the proxy, replies over its WebSocket stream. */
export class WebChatUser {
  conversationId = '';
  private token = '';
  private ws: WebSocket | undefined;
  private watermark: string | undefined;
  /** Everything the stream delivered, once each (by activity id). */
  readonly received = new Map<string, DlActivity>();
  /** How many times the stream had to be opened again (its instance went away). */
  reconnects = 0;
  /** Questions asked again because no answer came (the instance died during the turn). */
  reasked = 0;
  private closed = false;

  constructor(
    private readonly base: string,
    private readonly counters: Counters,
  ) {}

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const res = await fetch(`${this.base}${path}`, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...(init.headers ?? {}) } }).catch(() => undefined);
      if (res && res.status < 500) return res;
      this.counters.retries++;
      await sleep(200);
    }
    throw new Error(`${path}: no instance answered after 20 attempts`);
  }

  async open(): Promise<void> {
    const t = (await (await this.request('/api/directline/token', { method: 'POST', body: '{}' })).json()) as { token: string };
    this.token = t.token;
    const c = (await (await this.request('/v3/directline/conversations', { method: 'POST' })).json()) as { conversationId: string; token: string; streamUrl: string };
    this.conversationId = c.conversationId;
    this.token = c.token;
    await this.connect(c.streamUrl);
  }

  private async connect(url: string): Promise<void> {
    const ws = new WebSocket(url);
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (!text) return;
      const group = JSON.parse(text) as { activities: DlActivity[]; watermark?: string };
      for (const a of group.activities) this.received.set(a.id ?? randomUUID(), a);
      if (group.watermark) this.watermark = group.watermark;
    });
    ws.on('close', () => {
      if (!this.closed) void this.reconnect();
    });
    ws.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    this.ws = ws;
  }

  /** Direct Line's reconnect: a fresh stream address from the watermark the page holds. */
  private async reconnect(): Promise<void> {
    for (let attempt = 0; attempt < 50 && !this.closed; attempt++) {
      try {
        const res = await this.request(`/v3/directline/conversations/${this.conversationId}${this.watermark ? `?watermark=${this.watermark}` : ''}`);
        const { streamUrl } = (await res.json()) as { streamUrl: string };
        await this.connect(streamUrl);
        this.reconnects++;
        return;
      } catch {
        await sleep(200);
      }
    }
  }

  private botReplies(): DlActivity[] {
    return [...this.received.values()].filter((a) => a.type === 'message' && a.from.role !== 'user');
  }

  /** Asks and waits for the answer on the stream; asks again when none comes (the turn died with its instance). */
  async ask(text: string, expected: RegExp): Promise<string> {
    for (let attempt = 0; attempt < 4; attempt++) {
      const before = this.botReplies().length;
      const started = performance.now();
      const res = await this.request(`/v3/directline/conversations/${this.conversationId}/activities`, { method: 'POST', body: JSON.stringify({ type: 'message', text, locale: 'en-US' }) });
      if (!res.ok) throw new Error(`${text}: ${res.status} ${await res.text()}`);
      const { id } = (await res.json()) as { id: string };
      for (let i = 0; i < 400; i++) {
        const answer = this.botReplies()
          .slice(before)
          .find((a) => a.replyToId === id || expected.test(a.text ?? ''));
        if (answer) {
          this.counters.turns++;
          this.counters.latencies.push(performance.now() - started);
          return answer.text ?? '';
        }
        await sleep(25);
      }
      this.reasked++;
    }
    throw new Error(`${this.conversationId}: no answer to "${text}" after asking 4 times`);
  }

  /** The conversation as the bot stored it (every activity, by polling from the start). */
  async history(): Promise<DlActivity[]> {
    const res = await this.request(`/v3/directline/conversations/${this.conversationId}/activities?watermark=0`);
    return ((await res.json()) as { activities: DlActivity[] }).activities;
  }

  close(): void {
    this.closed = true;
    this.ws?.close();
  }
}
