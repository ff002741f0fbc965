// The wording of what a participant meets first: deleting data with nothing recorded, event buttons.
import { harnessPerTest, say, type Harness } from '../helpers/botHarness';

let h: Harness;
harnessPerTest((harness) => (h = harness));

// say() gives the reply lower-cased and without accents.
describe.each([
  ['en', 'delete my data', 'yes', /^i hold no confirmation of yours\. this deletes what i may remember about you/, /^done: i no longer remember anything about you\. there was no confirmation to delete\.$/],
  ['fr', 'supprimer mes données', 'oui', /^je n'ai aucune confirmation a votre nom\. cela supprime ce dont je peux me souvenir/, /^c'est fait : je ne me souviens plus de rien a votre sujet\. il n'y avait aucune confirmation a supprimer\.$/],
])('"delete my data" with nothing recorded (%s)', (_lang, ask, yes, question, done) => {
  test('when a participant with no confirmation asks, then the bot says there is none rather than counting zero', async () => {
    const asked = await say(h, ask);
    expect(asked).toMatch(question);
    expect(asked).not.toMatch(/\(0\)|\b0 confirmation/);
    const reply = await say(h, yes);
    expect(reply).toMatch(done);
  });
});

test('when a participant asks what the bot holds and nothing is set, then the sentence reads as a list, not "I also remember … (not set)"', async () => {
  const reply = await say(h, 'what have I confirmed?');
  expect(reply).toMatch(/what i remember about you: language \(not set\), time zone \(not set\)\./);
  expect(reply).not.toMatch(/also remember/);
});

test.each([
  ['en', "I'd like to confirm my participation"],
  ['fr', 'Je souhaite confirmer ma participation'],
])('when the bot asks which event (%s), then every event button starts with a capital letter', async (_lang, ask) => {
  await h.adapter.send(ask).startTest();
  const titles = h.adapter.activeQueue.splice(0).flatMap((a) => a.suggestedActions?.actions.map((x) => String(x.title)) ?? []);
  expect(titles.length).toBeGreaterThan(3);
  for (const title of titles) expect(title).toMatch(/^\p{Lu}/u);
});
