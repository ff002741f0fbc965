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
    [{ SMTP_URL: 'http://mail' }, /SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/],
    [{ SMTP_URL: 'smtp://mail:25' }, /ORGANISER_EMAILS: required when SMTP_URL is set/],
    [{ ORGANISER_EMAILS: 'a@example.org, not-an-address' }, /ORGANISER_EMAILS: must be comma-separated email addresses/],
    [{ DIGEST_SCHEDULE: 'every morning' }, /DIGEST_SCHEDULE: not a cron expression/],
    [{ DIGEST_TIMEZONE: 'Mars/Olympus' }, /DIGEST_TIMEZONE: "Mars\/Olympus" is not an IANA time zone/],
    [{ DIGEST_LANGUAGE: 'de' }, /DIGEST_LANGUAGE/],
  ])('when %p is set, then start-up fails naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('when the config is logged, then passwords and tokens are redacted', () => {
    const c = loadConfig({ MicrosoftAppId: 'id', MicrosoftAppPassword: 'secret', SMTP_URL: 'smtp://user:smtp-secret@mail:587', ORGANISER_EMAILS: 'a@example.org', ADMIN_TOKEN: 'admin-secret-0123456789', DATABASE_URL: 'postgres://u:db-secret@h/db' });
    const logged = JSON.stringify(redactedConfig(c));
    for (const secret of ['secret"', 'smtp-secret', 'admin-secret', 'db-secret']) expect(logged).not.toContain(secret);
  });

  test('when digests are set up, then the schedule, zone and languages are read', () => {
    const c = loadConfig({ SMTP_URL: 'smtps://u:p@mail:465', ORGANISER_EMAILS: 'a@example.org, b@example.org', DIGEST_SCHEDULE: '0 8 * * 1-5', DIGEST_LANGUAGE: 'fr' });
    expect(c.digest).toMatchObject({ organiserEmails: ['a@example.org', 'b@example.org'], schedule: '0 8 * * 1-5', timezone: 'Africa/Nairobi', languages: ['fr'], sendEmpty: false });
  });
});
