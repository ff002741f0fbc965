import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import JSZip from 'jszip';
import { buildPackage, filledManifest } from '../../deploy/teams/package';
import { ROOT } from '../helpers/fixtures';

// The Teams manifest JSON schemas, as the @microsoft/app-manifest package ships them (no network).
const schemaDir = join(ROOT, 'node_modules', '@microsoft', 'app-manifest', 'build', 'json-schemas', 'teams', 'v1.24');
const settings = { botId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', hostName: 'assistant.example.org' };

function validator(file: string) {
  // The schemas' patterns are written for JavaScript regular expressions without the u flag.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
  return ajv.compile(JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as object);
}

describe('the Teams app package', () => {
  test('when the manifest is filled in, then it is valid against the Teams manifest schema v1.24', () => {
    const { manifest } = filledManifest(settings);
    const validate = validator('MicrosoftTeams.schema.json');
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(manifest).toMatchObject({ manifestVersion: '1.24', bots: [{ botId: settings.botId, scopes: ['personal', 'team', 'groupChat'] }], validDomains: ['assistant.example.org'] });
    expect(JSON.stringify(manifest)).not.toContain('${{');
  });

  test('when the French localisation is filled in, then it is valid and translates every command', () => {
    const { manifest, french } = filledManifest(settings);
    const validate = validator('MicrosoftTeams.Localization.schema.json');
    expect(validate(french)).toBe(true);
    const commands = (manifest['bots'] as Array<{ commandLists: Array<{ commands: unknown[] }> }>)[0]!.commandLists[0]!.commands;
    commands.forEach((_c, i) => expect(french[`bots[0].commandLists[0].commands[${i}].title`]).toEqual(expect.any(String)));
  });

  test('when a manifest field is wrong, then validation says so (the check can fail)', () => {
    const { manifest } = filledManifest(settings);
    expect(validator('MicrosoftTeams.schema.json')({ ...manifest, accentColor: 'blue', bots: [{ botId: 'x' }] })).toBe(false);
  });

  test('when the package is built, then the zip holds the manifest, its French file and both icons at their sizes', async () => {
    const zip = await JSZip.loadAsync(await buildPackage(settings));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'fr-fr.json', 'manifest.json', 'outline.png']);
    const size = async (name: string) => {
      const png = await zip.file(name)!.async('nodebuffer');
      return [png.readUInt32BE(16), png.readUInt32BE(20)];
    };
    expect(await size('color.png')).toEqual([192, 192]);
    expect(await size('outline.png')).toEqual([32, 32]);
  });

  test('when Teams sign-in is set up, then the manifest names the app registration and its api:// URI, and stays valid', () => {
    const clientId = '9b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a5b';
    const { manifest } = filledManifest({ ...settings, signIn: { clientId } });
    expect(manifest['webApplicationInfo']).toEqual({ id: clientId, resource: `api://assistant.example.org/${clientId}` });
    expect(validator('MicrosoftTeams.schema.json')(manifest)).toBe(true);
    expect(filledManifest(settings).manifest['webApplicationInfo']).toBeUndefined();
  });

  test('when the sign-in client id or URI is not what Teams accepts, then packaging refuses with the reason', () => {
    expect(() => filledManifest({ ...settings, signIn: { clientId: 'tab-app' } })).toThrow(/AAD_APP_CLIENT_ID/);
    expect(() => filledManifest({ ...settings, signIn: { clientId: settings.botId, applicationIdUri: `api://elsewhere.org/${settings.botId}` } })).toThrow(/AAD_APP_ID_URI/);
  });

  test('when the bot id or host name is not what Teams needs, then packaging refuses with the reason', () => {
    expect(() => filledManifest({ botId: 'my-bot', hostName: 'x.org' })).toThrow(/GUID/);
    expect(() => filledManifest({ botId: settings.botId, hostName: 'https://x.org/' })).toThrow(/bare host/);
  });
});
