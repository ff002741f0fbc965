import { createApp } from '../../src/app';
import { createLogger } from '../../src/logger';
import { prettyLine } from '../../src/prettyLog';
import { tempDataDir, testConfig } from '../helpers/fixtures';

/** Starts the bot with a logger into memory and returns the message of its "listening" line. */
async function listeningLine(env: Record<string, string>): Promise<{ msg: string; port: number }> {
  const lines: string[] = [];
  const data = tempDataDir();
  const app = await createApp(testConfig(data.dir, env), { logger: createLogger('info', { write: (l: string) => void lines.push(l) }) });
  try {
    const port = await app.start(0);
    const entry = lines.map((l) => JSON.parse(l) as { msg: string }).find((e) => e.msg.startsWith('listening'));
    return { msg: entry?.msg ?? '', port };
  } finally {
    await app.stop();
    data.cleanup();
  }
}

describe('the start line', () => {
  test('when the bot starts, then one line gives the addresses of the chat page, the organiser tab and /api/messages', async () => {
    const { msg, port } = await listeningLine({ ADMIN_TOKEN: 'start-line-token-0123456789' });
    expect(msg).toBe(`listening: chat page http://127.0.0.1:${port}/ · organiser tab http://127.0.0.1:${port}/organiser · Bot Framework endpoint http://127.0.0.1:${port}/api/messages`);
  });

  test('when no ADMIN_TOKEN is set, then the line says how to open the organiser tab', async () => {
    const { msg } = await listeningLine({});
    expect(msg).toMatch(/organiser tab http:\/\/127\.0\.0\.1:\d+\/organiser \(set ADMIN_TOKEN to open it\)/);
  });

  test('when a log line is shown on a terminal, then it reads as time, level, message and fields', () => {
    const line = prettyLine(JSON.stringify({ level: 30, time: Date.UTC(2026, 0, 1, 9, 5, 7), pid: 1, hostname: 'h', service: 'participant-assistant', msg: 'listening: chat page http://localhost:3978/', port: 3978 }));
    expect(line).toMatch(/^\d\d:\d\d:\d\d INFO {2}listening: chat page http:\/\/localhost:3978\/ port=3978\n$/);
    expect(prettyLine('not json')).toBe('not json\n');
  });
});
