/**
 * Direct Line on the page (`npm run bench` runs it; `tsx test/bench/directline.ts` alone): prints figures.
 *  1. reply latency seen by a page, from posting a question to receiving the answer, over the
 *     WebSocket stream and by polling once a second (as the page did before streams), p50 and p99;
 *  2. the server's CPU while 1,000 conversations sit open and idle, streams vs pollers.
 * The bot runs in its own process (SQLite in a temporary folder), so its CPU is measured apart from
 * the clients'.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ROOT, tempDataDir } from '../helpers/fixtures';

const QUESTIONS = ['When is the global forum?', 'Which platform will be used?', 'Quand a lieu la consultation sous-régionale ?', 'How do I register?', 'Dans quelles langues les documents seront-ils disponibles ?'];
const fmt = (n: number, d = 0) => n.toFixed(d);
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Bot {
  base: string;
  child: ChildProcess;
  cpuSeconds(): number;
  stop(): Promise<void>;
}

async function startBot(): Promise<Bot> {
  const data = tempDataDir();
  const port = 39_000 + Math.floor(Math.random() * 1000);
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/index.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: data.dir, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_TOKEN_PER_MINUTE: '0', RATE_LIMIT_CREATE_PER_MINUTE: '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
    await sleep(100);
  }
  const ticks = () => {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  return {
    base,
    child,
    cpuSeconds: ticks,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      data.cleanup();
    },
  };
}

interface Conversation {
  conversationId: string;
  token: string;
  streamUrl: string;
}
async function open(base: string): Promise<Conversation> {
  const { token } = (await (await fetch(`${base}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { token: string };
  return (await (await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).json()) as Conversation;
}
const post = (base: string, c: Conversation, text: string) =>
  fetch(`${base}/v3/directline/conversations/${c.conversationId}/activities`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` }, body: JSON.stringify({ type: 'message', text, locale: 'en-US' }) });

async function latencyOverStream(base: string, n: number): Promise<number[]> {
  const c = await open(base);
  const ws = new WebSocket(c.streamUrl);
  await new Promise((r) => ws.once('open', r));
  let resolveReply: (() => void) | undefined;
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    if (text && (JSON.parse(text) as { activities: Array<{ type: string; from: { role?: string } }> }).activities.some((a) => a.type === 'message' && a.from.role !== 'user')) resolveReply?.();
  });
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const replied = new Promise<void>((r) => (resolveReply = r));
    const t = performance.now();
    await post(base, c, QUESTIONS[i % QUESTIONS.length]!);
    await replied;
    times.push(performance.now() - t);
  }
  ws.close();
  return times;
}

async function latencyByPolling(base: string, n: number, intervalMs: number): Promise<number[]> {
  const c = await open(base);
  let watermark = '0';
  const times: number[] = [];
  // The poller runs on its own clock, as the page's does; a question is posted at a random moment of it.
  for (let i = 0; i < n; i++) {
    await sleep(Math.random() * intervalMs);
    const t = performance.now();
    await post(base, c, QUESTIONS[i % QUESTIONS.length]!);
    for (;;) {
      const page = (await (await fetch(`${base}/v3/directline/conversations/${c.conversationId}/activities?watermark=${watermark}`, { headers: { authorization: `Bearer ${c.token}` } })).json()) as { activities: Array<{ type: string; from: { role?: string } }>; watermark: string };
      watermark = page.watermark;
      if (page.activities.some((a) => a.type === 'message' && a.from.role !== 'user')) break;
      await sleep(intervalMs);
    }
    times.push(performance.now() - t);
  }
  return times;
}

async function idleCpu(bot: Bot, mode: 'streams' | 'polling', count: number, seconds: number): Promise<number> {
  const conversations: Conversation[] = [];
  for (let i = 0; i < count; i += 50) conversations.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => open(bot.base)))));
  const sockets: WebSocket[] = [];
  let polling = true;
  if (mode === 'streams') {
    for (const c of conversations) sockets.push(new WebSocket(c.streamUrl));
    await Promise.all(sockets.map((ws) => new Promise((r) => ws.once('open', r))));
  } else {
    for (const c of conversations) {
      void (async () => {
        await sleep(Math.random() * 1000);
        while (polling) {
          await fetch(`${bot.base}/v3/directline/conversations/${c.conversationId}/activities?watermark=0`, { headers: { authorization: `Bearer ${c.token}` } }).then((r) => r.arrayBuffer(), () => undefined);
          await sleep(1000);
        }
      })();
    }
  }
  await sleep(1000);
  const before = bot.cpuSeconds();
  await sleep(seconds * 1000);
  const used = bot.cpuSeconds() - before;
  polling = false;
  for (const ws of sockets) ws.close();
  await sleep(1500);
  return (used / seconds) * 100;
}

export async function directLineBench(): Promise<void> {
  console.log('Direct Line on the page (the bot in its own process, SQLite):');
  const bot = await startBot();
  try {
    await latencyOverStream(bot.base, 3);
    const ws = await latencyOverStream(bot.base, 40);
    const polled = await latencyByPolling(bot.base, 20, 1000);
    console.log(`  reply latency, WebSocket stream:   p50 ${fmt(percentile(ws, 50))} ms   p99 ${fmt(percentile(ws, 99))} ms   (${ws.length} questions)`);
    console.log(`  reply latency, polling every 1 s:  p50 ${fmt(percentile(polled, 50))} ms   p99 ${fmt(percentile(polled, 99))} ms   (${polled.length} questions)`);
    const streams = await idleCpu(bot, 'streams', 1000, 10);
    const pollers = await idleCpu(bot, 'polling', 1000, 10);
    console.log(`  server CPU with 1,000 idle open conversations: streams ${fmt(streams, 1)} %   polling every 1 s ${fmt(pollers, 1)} %   (of one core, over 10 s)`);
  } finally {
    await bot.stop();
  }
}

if (require.main === module) void directLineBench();
