/**
 * Writes the Teams app package (deploy/teams/build/participant-assistant.zip): the manifest and its
 * French localisation with the bot's app id and host name filled in, and the two icons.
 *
 *   MicrosoftAppId=<bot app id> PUBLIC_URL=https://bot.example.org npm run package:teams
 *
 * With AAD_APP_CLIENT_ID (and optionally AAD_APP_ID_URI) set, the manifest also declares the Entra ID
 * app the organiser tab signs in with (webApplicationInfo), as the bot's settings do.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';

const HERE = __dirname;

export interface PackageSettings {
  readonly botId: string;
  readonly hostName: string;
  /** The Teams app's own id; derived from the bot id when not given, so that it stays the same. */
  readonly appId?: string | undefined;
  /** Teams sign-in of the organiser tab: the app registration's client id and Application ID URI (default api://<host>/<client id>). */
  readonly signIn?: { readonly clientId: string; readonly applicationIdUri?: string | undefined } | undefined;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A stable GUID derived from a string (a UUID v5-like layout over SHA-1). */
function derivedGuid(seed: string): string {
  const h = createHash('sha1').update(`participant-assistant:${seed}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function filledManifest(s: PackageSettings): { manifest: Record<string, unknown>; french: Record<string, unknown> } {
  if (!GUID.test(s.botId)) throw new Error(`the bot id must be the Azure Bot's app id (a GUID); got "${s.botId}"`);
  if (!/^[a-z0-9.-]+(:\d+)?$/i.test(s.hostName)) throw new Error(`the host name must be a bare host such as bot.example.org; got "${s.hostName}"`);
  const fill = (text: string) =>
    text
      .replaceAll('${{TEAMS_APP_ID}}', s.appId ?? derivedGuid(s.botId))
      .replaceAll('${{BOT_ID}}', s.botId)
      .replaceAll('${{HOST_NAME}}', s.hostName);
  const manifest = JSON.parse(fill(readFileSync(join(HERE, 'manifest.json'), 'utf8'))) as Record<string, unknown>;
  if (s.signIn) manifest['webApplicationInfo'] = webApplicationInfo(s.signIn, s.hostName);
  return {
    manifest,
    french: JSON.parse(fill(readFileSync(join(HERE, 'fr-fr.json'), 'utf8'))) as Record<string, unknown>,
  };
}

/** What Teams needs to get the tab a token for the bot's API: the same client id and URI the bot checks tokens against. */
function webApplicationInfo(signIn: NonNullable<PackageSettings['signIn']>, hostName: string): { id: string; resource: string } {
  if (!GUID.test(signIn.clientId)) throw new Error(`AAD_APP_CLIENT_ID must be the app registration's client id (a GUID); got "${signIn.clientId}"`);
  const resource = signIn.applicationIdUri ?? `api://${hostName}/${signIn.clientId}`;
  // Teams only gives tokens for a URI on the tab's own domain.
  if (!resource.startsWith(`api://${hostName}/`)) throw new Error(`AAD_APP_ID_URI must be api://${hostName}/<client id> (the tab's host); got "${resource}"`);
  return { id: signIn.clientId, resource };
}

export async function buildPackage(s: PackageSettings): Promise<Buffer> {
  const { manifest, french } = filledManifest(s);
  const zip = new JSZip();
  zip.file('manifest.json', JSON.stringify(manifest, null, 2));
  zip.file('fr-fr.json', JSON.stringify(french, null, 2));
  zip.file('color.png', readFileSync(join(HERE, 'color.png')));
  zip.file('outline.png', readFileSync(join(HERE, 'outline.png')));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

if (require.main === module) {
  const botId = process.env['MicrosoftAppId'] ?? '';
  const publicUrl = process.env['PUBLIC_URL'] ?? '';
  const problems = [...(GUID.test(botId) ? [] : ['MicrosoftAppId: the Azure Bot app id (a GUID)']), ...(/^https:\/\//.test(publicUrl) ? [] : ['PUBLIC_URL: the https:// address of the bot'])];
  if (problems.length) {
    process.stderr.write(`cannot build the Teams package:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  const clientId = process.env['AAD_APP_CLIENT_ID'];
  const signIn = clientId ? { clientId, applicationIdUri: process.env['AAD_APP_ID_URI'] || undefined } : undefined;
  buildPackage({ botId, hostName: new URL(publicUrl).host, appId: process.env['TEAMS_APP_ID'], signIn })
    .then((zip) => {
      const out = join(HERE, 'build');
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'participant-assistant.zip'), zip);
      process.stdout.write(`wrote ${join(out, 'participant-assistant.zip')} (${zip.length} bytes)\n`);
    })
    .catch((e: unknown) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exit(1);
    });
}
