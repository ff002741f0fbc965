/**
 * Writes the Teams app package (deploy/teams/build/participant-assistant.zip): the manifest and its
 * French localisation with the bot's app id and host name filled in, and the two icons.
 *
 *   MicrosoftAppId=<bot app id> PUBLIC_URL=https://bot.example.org npm run package:teams
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
  return {
    manifest: JSON.parse(fill(readFileSync(join(HERE, 'manifest.json'), 'utf8'))) as Record<string, unknown>,
    french: JSON.parse(fill(readFileSync(join(HERE, 'fr-fr.json'), 'utf8'))) as Record<string, unknown>,
  };
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
  buildPackage({ botId, hostName: new URL(publicUrl).host, appId: process.env['TEAMS_APP_ID'] })
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
