import type { DestinationStream } from 'pino';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
/** Fields every line has, or that say nothing to a person reading a terminal. */
const QUIET = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service']);

/** One of the logger's JSON lines as a person reads it: "10:41:02 INFO  listening: … port=3978". */
export function prettyLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = typeof entry['time'] === 'number' ? new Date(entry['time']).toTimeString().slice(0, 8) : '';
  const level = LEVELS[Number(entry['level'])] ?? String(entry['level']);
  const fields = Object.entries(entry)
    .filter(([k]) => !QUIET.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${[time, level, String(entry['msg'] ?? ''), ...fields].filter(Boolean).join(' ')}\n`;
}

/**
 * Where the logger writes when a person watches (a terminal): the same lines, made readable. Logs
 * that go to a file or a collector stay JSON (see src/index.ts).
 */
export function prettyDestination(out: NodeJS.WritableStream): DestinationStream {
  return { write: (line: string) => void out.write(prettyLine(line)) };
}
