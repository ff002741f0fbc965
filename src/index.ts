import { ConfigError, loadConfig } from './config';
import { createApp } from './app';

async function main(): Promise<void> {
  const app = await createApp(loadConfig());
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
