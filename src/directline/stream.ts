import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../logger';
import type { ActivityHub } from './hub';
import { forClient } from './router';
import type { DirectLineStore } from './store';
import type { TokenIssuer } from './tokens';

export interface StreamDeps {
  readonly store: DirectLineStore;
  readonly hub: ActivityHub;
  readonly tokens: TokenIssuer;
  readonly logger: Logger;
  /** Open streams allowed in all, and per conversation (a page may be open in a few tabs). */
  readonly maxStreams?: number;
  readonly maxPerConversation?: number;
  /** How often the server pings each stream; one that does not answer by the next ping is closed. */
  readonly heartbeatMs?: number;
  readonly now?: () => number;
}

const STREAM_PATH = /^\/v3\/directline\/conversations\/([^/]+)\/stream$/;

/**
 * What sends a stream its conversation's activities from its watermark on: one flush at a time; an
 * announcement during a flush makes it run once more.
 */
function streamer(ws: WebSocket, conversationId: string, from: number, deps: StreamDeps): () => Promise<void> {
  let watermark = from;
  let running = false;
  let again = false;
  return async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const page = await deps.store.since(conversationId, watermark);
        if (!page) {
          ws.close(1000, 'conversation ended');
          return;
        }
        if (page.activities.length && ws.readyState === ws.OPEN) {
          ws.send(JSON.stringify({ activities: page.activities.map(forClient), watermark: page.watermark }));
          watermark = Number(page.watermark);
          if (page.activities.length >= deps.store.limits.pageSize) again = true;
        }
      } while (again && ws.readyState === ws.OPEN);
    } catch (err) {
      deps.logger.warn({ err, conversation: conversationId }, 'could not stream direct line activities');
    } finally {
      running = false;
    }
  };
}

/**
 * What an upgrade asks for: the stream of a conversation, another path (undefined), or an address
 * that cannot be read (`//`, `%FF`): never an exception, which nothing would catch on this event.
 */
export function streamTarget(path: string | undefined): { url: URL; conversationId: string } | 'malformed' | undefined {
  let url: URL;
  try {
    url = new URL(path ?? '/', 'http://localhost');
  } catch {
    return 'malformed';
  }
  const match = STREAM_PATH.exec(url.pathname);
  if (!match) return undefined;
  try {
    return { url, conversationId: decodeURIComponent(match[1]!) };
  } catch {
    return 'malformed';
  }
}

/**
 * Direct Line 3.0 WebSocket streams: `GET /v3/directline/conversations/:id/stream?t=<token>&watermark=`
 * upgrades to a WebSocket on which the server sends `{ activities, watermark }` as activities arrive
 * (the history from the watermark first); the client only sends empty keep-alives. A new activity is
 * announced through the hub, so a stream on one instance hears replies made on another.
 */
export function attachStreams(server: Server, deps: StreamDeps): { close(): Promise<void>; count(): number } {
  const now = deps.now ?? Date.now;
  const maxStreams = deps.maxStreams ?? 10_000;
  const maxPerConversation = deps.maxPerConversation ?? 5;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024, perMessageDeflate: false });
  const perConversation = new Map<string, number>();
  const alive = new WeakSet<WebSocket>();

  const refuse = (socket: Duplex, status: string) => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that goes away while refused must not take the process with it.
    socket.on('error', () => socket.destroy());
    const target = streamTarget(req.url);
    if (target === 'malformed') return refuse(socket, '400 Bad Request');
    if (!target) return refuse(socket, '404 Not Found');
    const { url, conversationId } = target;
    const claims = deps.tokens.verify(url.searchParams.get('t') ?? '', now());
    if (!claims || claims.conversationId !== conversationId) return refuse(socket, '401 Unauthorized');
    if (wss.clients.size >= maxStreams || (perConversation.get(conversationId) ?? 0) >= maxPerConversation) return refuse(socket, '429 Too Many Requests');
    const raw = url.searchParams.get('watermark');
    const watermark = raw && /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
    deps.store
      .owner(conversationId)
      .then((owner) => {
        if (owner !== claims.userId) return refuse(socket, '404 Not Found');
        wss.handleUpgrade(req, socket, head, (ws) => open(ws, conversationId, watermark));
      })
      .catch((err: unknown) => {
        deps.logger.error({ err }, 'could not open a direct line stream');
        refuse(socket, '503 Service Unavailable');
      });
  });

  function open(ws: WebSocket, conversationId: string, from: number): void {
    perConversation.set(conversationId, (perConversation.get(conversationId) ?? 0) + 1);
    alive.add(ws);
    const flush = streamer(ws, conversationId, from, deps);
    const unsubscribe = deps.hub.subscribe(conversationId, () => void flush());
    ws.on('pong', () => alive.add(ws));
    // Clients send empty keep-alives: nothing to do with them.
    ws.on('message', () => undefined);
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      unsubscribe();
      const left = (perConversation.get(conversationId) ?? 1) - 1;
      if (left > 0) perConversation.set(conversationId, left);
      else perConversation.delete(conversationId);
    });
    void flush();
  }

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, deps.heartbeatMs ?? 30_000);
  heartbeat.unref();

  return {
    count: () => wss.clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
