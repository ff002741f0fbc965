import { createTranslator } from '/work/wt/quality/src/i18n';
import { KnowledgeBase } from '/work/wt/quality/src/knowledge/knowledgeBase';
import { Answerer } from '/work/wt/quality/src/knowledge/answerer';
import { fixedClock } from '/work/wt/quality/src/schedule/time';
import { AFTER, LOCALES_DIR, shippedSources } from '/work/wt/quality/test/helpers/fixtures';
const kb = new KnowledgeBase(shippedSources());
const a = new Answerer(kb, fixedClock(AFTER), createTranslator(LOCALES_DIR));
for (const q of process.argv.slice(3)) {
  const frame = (a as any).frameOf(q);
  console.log('Q:', q, JSON.stringify(frame.words.map((w: any) => [w.word, w.role, w.unknown])), [...frame.needs], [...frame.concepts]);
  const r: any = a.answer(q, { lang: process.argv[2] as any } as any);
  console.log('A:', JSON.stringify(r).slice(0, 500));
}
