import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { parse } from 'yaml';
import { ROOT } from '../helpers/fixtures';

// Azure cannot be reached from here: these check what can be checked without it, so that the
// Bicep, its parameters, the Agents Toolkit project and the Teams manifest agree with one another.
const read = (...p: string[]) => readFileSync(join(ROOT, 'deploy', ...p), 'utf8');
const bicep = read('azure', 'main.bicep');
const params = [...bicep.matchAll(/^param (\w+) (\w+)( = .*)?$/gm)].map((m) => ({ name: m[1]!, optional: !!m[3] }));
const outputs = [...bicep.matchAll(/^output (\w+) /gm)].map((m) => m[1]!);
const project = parse(read('m365agents.yml')) as Record<'provision' | 'deploy' | 'publish', Array<{ uses: string; with?: Record<string, unknown>; writeToEnvironmentFile?: Record<string, string> }>>;
const placeholders = (text: string) => [...new Set([...text.matchAll(/\$\{\{(\w+)\}\}/g)].map((m) => m[1]!))];

describe('the Azure template and the Agents Toolkit project', () => {
  test('when the toolkit deploys the template, then every parameter it passes is declared and every required one is passed', () => {
    const given = Object.keys((JSON.parse(read('azure', 'azure.parameters.json')) as { parameters: Record<string, unknown> }).parameters);
    expect(given.filter((g) => !params.some((p) => p.name === g))).toEqual([]);
    expect(params.filter((p) => !p.optional && !given.includes(p.name)).map((p) => p.name)).toEqual([]);
  });

  test('when the Teams package is zipped, then each placeholder of the manifest is written by provisioning first', () => {
    const written = new Set([...project.provision.flatMap((a) => Object.values(a.writeToEnvironmentFile ?? {})), ...outputs]);
    expect(placeholders(read('teams', 'manifest.json')).filter((p) => !written.has(p))).toEqual([]);
    expect(project.provision.map((a) => a.uses)).toEqual(expect.arrayContaining(['aadApp/create', 'teamsApp/create', 'arm/deploy', 'teamsApp/zipAppPackage']));
    const zip = project.provision.find((a) => a.uses === 'teamsApp/zipAppPackage')!;
    expect(zip.with?.['manifestPath']).toBe('./teams/manifest.json');
  });

  test('when the toolkit deploys, then every value its scripts use is set by the environment file, provisioning or an earlier step', () => {
    const env = Object.keys(parseEnv(read('env', '.env.dev')));
    const scripts = project.deploy.map((a) => String(a.with?.['run'] ?? '')).join('\n');
    const setByScripts = [...scripts.matchAll(/::set-teamsfx-env (\w+)=/g)].map((m) => m[1]!);
    const known = new Set([...env, ...outputs, ...setByScripts]);
    expect(placeholders(scripts).filter((p) => !known.has(p))).toEqual([]);
    expect(placeholders(read('azure', 'azure.parameters.json')).filter((p) => !known.has(p) && !p.startsWith('SECRET_'))).toEqual([]);
  });

  test('when the app runs, then it has two instances or more, WebSockets, the health check, and its secrets from Key Vault', () => {
    expect(bicep).toMatch(/@minValue\(2\)\n@maxValue\(\d+\)\nparam instanceCount int = [2-9]/);
    expect(bicep).toMatch(/webSocketsEnabled: true/);
    expect(bicep).toMatch(/healthCheckPath: '\/api\/health'/);
    for (const secret of ['DATABASE_URL', 'ADMIN_TOKEN', 'MicrosoftAppPassword']) expect(bicep).toMatch(new RegExp(`${secret}: keyVaultRef\\(`));
    expect(bicep).toMatch(/'Microsoft\.BotService\/botServices\/channels@[\d-]+' = \{\n {2}parent: bot\n {2}name: 'MsTeamsChannel'/);
    expect(bicep).toMatch(/name: 'DirectLineChannel'/);
    expect(bicep).toMatch(/'Microsoft\.DBforPostgreSQL\/flexibleServers@/);
    expect(bicep).toMatch(/'Microsoft\.Insights\/components@/);
  });

  test('when the app settings are read by the bot, then each is a setting it knows', () => {
    const known = new Set([...Object.keys(parseEnv(read('.env.template'))), 'WEBSITES_PORT', 'WEBSITES_ENABLE_APP_SERVICE_STORAGE', 'APPLICATIONINSIGHTS_CONNECTION_STRING']);
    const settings = [...bicep.matchAll(/^ {4,6}(\w+): (?:keyVaultRef\(|'|\w)/gm)].map((m) => m[1]!).filter((k) => /^[A-Z]|^Microsoft/.test(k));
    const block = bicep.slice(bicep.indexOf('var settings = union('), bicep.indexOf("resource app 'Microsoft.Web/sites"));
    const inBlock = settings.filter((k) => new RegExp(`\\b${k}: `).test(block));
    expect(inBlock.length).toBeGreaterThan(15);
    expect(inBlock.filter((k) => !known.has(k))).toEqual([]);
  });
});
