import { createApp, type App, type AppOverrides } from '../../src/app';
import { fixedClock } from '../../src/schedule/time';
import { AFTER, silentLogger, tempDataDir, testConfig, testStems } from './fixtures';

export interface StartedApp {
  readonly app: App;
  /** http://127.0.0.1:<port> */
  readonly base: string;
  stop(): Promise<void>;
}

/** The app as production builds it, on SQLite in a fresh folder (or as `env` says), listening on a free port. */
export async function startApp(env: Record<string, string> = {}, overrides: AppOverrides = {}): Promise<StartedApp> {
  const data = tempDataDir();
  const app = await createApp(testConfig(data.dir, env), { clock: fixedClock(AFTER), logger: silentLogger, stems: testStems, ...overrides });
  const base = `http://127.0.0.1:${await app.start(0)}`;
  return {
    app,
    base,
    stop: async () => {
      await app.stop();
      data.cleanup();
    },
  };
}
