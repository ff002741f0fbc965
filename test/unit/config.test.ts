import { ConfigError, loadConfig, redactedConfig } from '../../src/config';

describe('settings', () => {
  test('when nothing is set, then the bot starts on 3978 with SQLite under ./data and sources from ./sources', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c).toMatchObject({ port: 3978, dataDir: '/srv/app/data', sourcesDir: '/srv/app/sources', botAuth: { appType: 'MultiTenant' } });
    expect(Object.isFrozen(c)).toBe(true);
  });

  test.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ MicrosoftAppType: 'Global' }, /MicrosoftAppType/],
    [{ MicrosoftAppId: 'abc' }, /MicrosoftAppPassword: required/],
    [{ MicrosoftAppId: 'abc', MicrosoftAppPassword: 'x', MicrosoftAppType: 'SingleTenant' }, /MicrosoftAppTenantId: required/],
    [{ DATABASE_URL: 'mysql://localhost/db' }, /DATABASE_URL: must be a postgres:\/\/ URL/],
    [{ ADMIN_TOKEN: 'short' }, /ADMIN_TOKEN: must be at least 16 characters/],
  ])('when %p is set, then start-up fails naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('when the config is logged, then the app password is redacted', () => {
    const c = loadConfig({ MicrosoftAppId: 'id', MicrosoftAppPassword: 'secret' });
    expect(JSON.stringify(redactedConfig(c))).not.toContain('secret');
  });
});
