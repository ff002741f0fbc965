import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'participant-assistant' },
    redact: { paths: ['*.password', '*.appPassword', 'authorization', '*.authorization', 'req.headers.authorization'], censor: '[redacted]' },
  });
}
