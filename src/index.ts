import { ConfigError, loadConfig } from './config';
import { createApp } from './app';
import { createLogger } from './logger';
import { prettyDestination } from './prettyLog';

async function main(): Promise<void> {
  const config = loadConfig();
  // Readable lines on a terminal, JSON lines for anything that collects them.
  const logger = createLogger(config.logLevel, process.stdout.isTTY ? prettyDestination(process.stdout) : undefined);
  const app = await createApp(config, { logger });
  await app.start();
  const shutdown = (): void => {
    void app.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof ConfigError ? e.message : `failed to start: ${(e as Error).stack ?? String(e)}`}\n`);
  process.exit(1);
});
