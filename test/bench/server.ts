/**
 * One server for the HTTP benchmark (test/bench/run.ts), in a process of its own so that the load
 * generator does not share its event loop: `echo` (a plain echo bot on node:http with botbuilder's
 * CloudAdapter) or `bot` (the participant assistant as createApp builds it, on SQLite).
 * Prints its port through IPC; on request, records a CPU profile (node:inspector) and sends it back.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Session, type Profiler } from 'node:inspector';
import { subscribe } from 'node:diagnostics_channel';
import { createHistogram, monitorEventLoopDelay, PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, MessageFactory, type Request, type Response } from 'botbuilder';
import { createApp } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { AFTER, silentLogger, tempDataDir, testConfig } from '../helpers/fixtures';

/** The smallest adapter between node:http and what CloudAdapter.process reads and writes. */
function echoServer() {
  const auth = new ConfigurationBotFrameworkAuthentication({});
  const adapter = new CloudAdapter(auth);
  const echo = new ActivityHandler();
  echo.onMessage(async (context, next) => {
    await context.sendActivity(MessageFactory.text(`echo: ${context.activity.text}`));
    await next();
  });
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: Request = { body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>, headers: req.headers, method: req.method };
      const response: Response = {
        socket: req.socket,
        status: (code: number) => void (res.statusCode = code),
        header: (name: string, value: unknown) => void res.setHeader(name, String(value)),
        send: (body?: unknown) => {
          if (body === undefined) return;
          res.setHeader('content-type', 'application/json');
          res.write(typeof body === 'string' ? body : JSON.stringify(body));
        },
        end: () => void res.end(),
      };
      adapter.process(request, response, (context) => echo.run(context)).catch(() => {
        res.statusCode = 500;
        res.end();
      });
    });
  });
}

/** What the server's own event loop went through during a round: how late timers ran, and garbage collection. */
export interface LoopStats {
  /** Event-loop delay (ms): how late a 10 ms timer fired, at the median, p99 and worst. */
  delayP50: number;
  delayP99: number;
  delayMax: number;
  /** Garbage collections: how many, their total and longest pause (ms), and the longest full (mark-sweep) one. */
  gcCount: number;
  gcTotal: number;
  gcMax: number;
  majorMax: number;
  /** Time from a request's headers read to its response finished, in the server (ms). */
  serverP99: number;
  serverMax: number;
}

function loopWatch() {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let gc = { count: 0, total: 0, max: 0, majorMax: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++;
      gc.total += e.duration;
      gc.max = Math.max(gc.max, e.duration);
      if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) gc.majorMax = Math.max(gc.majorMax, e.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  // Each request's time inside the server, from node's own HTTP diagnostics channels.
  const inServer = createHistogram();
  const started = new WeakMap<object, bigint>();
  subscribe('http.server.request.start', (m) => started.set((m as { response: object }).response, process.hrtime.bigint()));
  subscribe('http.server.response.finish', (m) => {
    const t0 = started.get((m as { response: object }).response);
    if (t0 !== undefined) inServer.record(Number(process.hrtime.bigint() - t0) || 1);
  });
  const ms = (ns: number) => ns / 1e6;
  return {
    reset: () => {
      delay.reset();
      inServer.reset();
      gc = { count: 0, total: 0, max: 0, majorMax: 0 };
    },
    read: (): LoopStats => ({
      delayP50: ms(delay.percentile(50)),
      delayP99: ms(delay.percentile(99)),
      delayMax: ms(delay.max),
      gcCount: gc.count,
      gcTotal: gc.total,
      gcMax: gc.max,
      majorMax: gc.majorMax,
      serverP99: ms(inServer.percentile(99)),
      serverMax: ms(inServer.max),
    }),
  };
}

async function main(): Promise<void> {
  const kind = process.argv[2];
  let port: number;
  if (kind === 'echo') {
    const server = echoServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  } else {
    const data = tempDataDir();
    process.on('exit', () => data.cleanup());
    // A load test is a flood from one address: the rate limits are lifted for it.
    const app = await createApp(testConfig(data.dir, { RATE_LIMIT_PER_MINUTE: '0' }), { clock: fixedClock(AFTER), logger: silentLogger });
    port = await app.start(0);
  }
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T))));
  const loop = loopWatch();
  process.on('message', (msg: string) => {
    void (async () => {
      if (msg === 'loop-reset') {
        loop.reset();
        process.send!({ reset: true });
      } else if (msg === 'loop-read') {
        process.send!(loop.read());
      } else if (msg === 'profile-start') {
        await post('Profiler.enable');
        await post('Profiler.setSamplingInterval', { interval: 500 });
        await post('Profiler.start');
        process.send!({ started: true });
      } else if (msg === 'profile-stop') {
        const { profile } = await post<{ profile: Profiler.Profile }>('Profiler.stop');
        process.send!({ profile });
      } else if (msg === 'exit') {
        process.exit(0);
      }
    })();
  });
  process.send!({ port });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
