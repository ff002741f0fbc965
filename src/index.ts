import './compileCache';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, loadConfig } from './config';
import { createApp } from './app';
import { createLogger } from './logger';
import { prettyDestination } from './prettyLog';
import { readStems, saveCaches } from './startCaches';

/**
 * Reads `.env` from the working directory (or ENV_FILE) into the environment, Node's own parser,
 * without overriding anything already set: the host's environment (a container, App Service's
 * settings, a shell) wins over the file.
 */
function loadDotEnv(env: NodeJS.ProcessEnv = process.env): void {
  const file = resolve(env['ENV_FILE'] ?? '.env');
  if (!existsSync(file)) {
    if (env['ENV_FILE']) throw new ConfigError([`ENV_FILE: ${file} does not exist`]);
    return;
  }
  for (const [key, value] of Object.entries(parseEnv(readFileSync(file, 'utf8')))) if (env[key] === undefined && value !== undefined) env[key] = value;
}

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  // Readable lines on a terminal, JSON lines for anything that collects them.
  const logger = createLogger(config.logLevel, process.stdout.isTTY ? prettyDestination(process.stdout) : undefined);
  const stems = readStems();
  const app = await createApp(config, { logger, stems });
  await app.start();
  // Once serving: what this start compiled and stemmed, for the next (nothing to do when it came from the caches).
  setTimeout(() => saveCaches(stems), 1000).unref();
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
