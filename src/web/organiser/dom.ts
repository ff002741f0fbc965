/** The element with this id; the page (src/http/organiserPage.ts) has them all. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} is missing from the page`);
  return e as T;
}

/** An element with text (always as text, never as HTML) and attributes. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string | null, attrs: Readonly<Record<string, string>> = {}): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/** One column of a table: its header, and the cell of a row. */
export interface Column<T> {
  readonly header: string;
  readonly cell: (row: T) => string | Node;
}

/**
 * Fills a table's header and body. Cells carry their column's name (shown before the value when a
 * phone stacks the row) and explicit roles, which the stacked layout would otherwise take away.
 */
export function fillTable<T>(head: HTMLElement, body: HTMLElement, columns: ReadonlyArray<Column<T>>, rows: readonly T[], empty: string, rowAttrs: (row: T) => Record<string, string> = () => ({})): void {
  const table = body.closest('table');
  table?.setAttribute('role', 'table');
  table?.querySelector('thead')?.setAttribute('role', 'rowgroup');
  body.setAttribute('role', 'rowgroup');
  head.setAttribute('role', 'row');
  head.replaceChildren(...columns.map((c) => el('th', c.header, { scope: 'col', role: 'columnheader' })));
  // A table is filled again while it is in use (a view shown anew reloads it): a keyboard user's focus
  // on a control in it moves to the same control of the same row (rows are known by their attributes,
  // an id), or to the table itself when that row or control is gone — never to the page's start.
  const kept = focusInside(body);
  if (!rows.length) {
    body.replaceChildren(el('tr', null, { role: 'row' }));
    body.firstElementChild!.appendChild(el('td', empty, { colspan: String(columns.length), role: 'cell' }));
  } else {
    body.replaceChildren(
      ...rows.map((r) => {
        const attrs = rowAttrs(r);
        const tr = el('tr', null, { role: 'row', ...attrs });
        if (Object.keys(attrs).length) tr.dataset['rowKey'] = JSON.stringify(attrs);
        for (const c of columns) {
          const value = c.cell(r);
          const td = el('td', null, { 'data-label': c.header, role: 'cell' });
          if (typeof value === 'string') td.textContent = value;
          else td.appendChild(value);
          tr.appendChild(td);
        }
        return tr;
      }),
    );
  }
  if (!kept) return;
  const row = kept.row === undefined ? undefined : Array.from(body.children).find((tr) => (tr as HTMLElement).dataset['rowKey'] === kept.row);
  const control = row?.children[kept.cell]?.querySelector<HTMLElement>(kept.tag);
  if (control) control.focus();
  else if (table) focusOn(table);
}

/** Where focus was in a table's body (its row's key, when rows have one; its cell; the kind of control); undefined when elsewhere. */
function focusInside(body: HTMLElement): { row: string | undefined; cell: number; tag: string } | undefined {
  const focused = document.activeElement;
  if (!focused || focused === body || !body.contains(focused)) return undefined;
  const tr = focused.closest('tr');
  const td = focused.closest('td');
  if (!tr || !td) return { row: undefined, cell: -1, tag: '' };
  return { row: tr.dataset['rowKey'], cell: Array.prototype.indexOf.call(tr.children, td), tag: focused.tagName.toLowerCase() };
}

/** Moves focus to an element that is not focusable by itself (a heading, a message). */
export function focusOn(e: HTMLElement): void {
  if (!e.hasAttribute('tabindex') && !/^(BUTTON|INPUT|SELECT|TEXTAREA|A)$/.test(e.tagName)) e.setAttribute('tabindex', '-1');
  e.focus();
}
