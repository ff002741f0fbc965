import type { Page } from 'playwright-core';

/** axe-core's own file, injected into the page under test (pages opened with bypassCSP: it has no nonce). */
const AXE_SOURCE = require.resolve('axe-core');

/** The WCAG 2.0, 2.1 and 2.2 A and AA rules, and the experimental ones among them (label in name). */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

export interface Finding {
  readonly rule: string;
  readonly impact: string;
  readonly help: string;
  readonly where: string[];
}

/** The serious and critical WCAG A/AA violations axe-core finds on the page as it is now. */
export async function axeFindings(page: Page): Promise<Finding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_SOURCE });
  return page.evaluate(async (tags) => {
    type Result = { id: string; impact: string | null; help: string; tags: string[]; nodes: Array<{ target: unknown[]; failureSummary?: string }> };
    const axe = (window as unknown as { axe: { run: (ctx: Document, options: object) => Promise<{ violations: Result[] }> } }).axe;
    // The digest preview is a sandboxed frame that runs no script (axe cannot enter it): the email's
    // own markup is checked where it is built, not here.
    const { violations } = await axe.run(document, { runOnly: { type: 'tag', values: [...tags, 'experimental'] }, resultTypes: ['violations'], iframes: false });
    return violations
      .filter((v) => v.tags.some((t) => tags.includes(t)) && (v.impact === 'serious' || v.impact === 'critical'))
      .map((v) => ({ rule: v.id, impact: v.impact ?? '', help: v.help, where: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`) }));
  }, WCAG_TAGS);
}

/** Fails with the view's name and every finding when axe-core finds a serious or critical violation. */
export async function expectNoSeriousViolation(page: Page, view: string): Promise<void> {
  expect({ view, findings: await axeFindings(page) }).toEqual({ view, findings: [] });
}
