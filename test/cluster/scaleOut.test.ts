import { nginxBinary } from './cluster';
import { pgAvailable } from '../helpers/postgres';
import { runScenario, type ScenarioResult } from './scenario';

// Debian's nginx in front of the instances: .ci/run installs it. Without it the suite is skipped
// with a visible message, unless REQUIRE_NGINX=1, where its absence fails the run.
const nginx = nginxBinary();
if (!nginx) {
  if (process.env.REQUIRE_NGINX === '1') throw new Error('nginx is not installed; REQUIRE_NGINX=1 (apt-get install nginx)');
  process.stderr.write('\n*** nginx is not installed: the scale-out suite is SKIPPED (apt-get install nginx) ***\n\n');
}
const describeCluster = nginx && pgAvailable ? describe : describe.skip;

describeCluster('three instances of the compiled bot behind nginx on one PostgreSQL database', () => {
  let r: ScenarioResult;
  beforeAll(async () => {
    r = await runScenario();
    process.stdout.write(`\nscale-out figures: ${JSON.stringify(r.figures)}\n`);
  }, 170_000);

  test('when an instance is killed during the load, then every participant’s confirmation is recorded once, as they gave it', () => {
    expect(r.participants.every((p) => p.reference)).toBe(true);
    expect(r.ledger).toHaveLength(r.participants.length);
    for (const p of r.participants) {
      const mine = r.ledger.filter((c) => c.userId === p.userId);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ reference: p.reference, name: p.details.name, organisation: p.details.organisation, email: p.details.email, country: p.details.country, status: 'confirmed' });
      expect(mine[0]!.history).toHaveLength(1);
    }
    expect(new Set(r.ledger.map((c) => c.reference)).size).toBe(r.ledger.length);
  });

  test('when every instance is asked for a digest at the same moment, then one email carries every confirmation once', () => {
    expect(r.mails).toHaveLength(1);
    const sent = r.digestRuns.flatMap((run) => run.body.results ?? []).filter((x) => x.status === 'sent');
    expect(sent).toEqual([expect.objectContaining({ destination: 'email', confirmations: r.participants.length })]);
    const csv = r.mails[0]!.attachments.find((a) => a.filename === 'new-confirmations.csv')!.content.toString('utf8');
    for (const p of r.participants) expect(csv.split(p.reference!).length - 1).toBe(1);
    expect(r.secondDigest.results.map((x) => x.status)).toEqual(['nothing-new']);
  });

  test('when sources are published while an instance is down, then every instance, the restarted one included, answers from the new version', () => {
    expect(r.published).toEqual({ live: 2 });
    expect(r.instances.map((x) => x.version)).toEqual([2, 2, 2]);
    for (const x of r.instances) expect(x.answer).toMatch(/13 August 2020/);
    expect(r.instances.find((x) => x.name === r.killed)!.starts).toBe(2);
  });

  test('when the instance holding a page’s stream goes away, then the page reconnects and its conversation goes on, every question answered', () => {
    for (const page of r.pages) {
      expect(page.user.reconnects).toBeGreaterThanOrEqual(1);
      expect(page.answers[0]).toMatch(/early September 2020/);
      expect(page.answers[1]).toMatch(/Webex/);
      expect(page.answers.at(-1)).toMatch(/13 August 2020/);
      const asked = page.history.filter((a) => a.type === 'message' && a.from.role === 'user').map((a) => a.text);
      expect(new Set(asked)).toEqual(new Set(['When is the global forum?', 'Which platform will be used?', 'Which languages will be used?', 'When is the sub-regional consultation?']));
    }
  });
});
