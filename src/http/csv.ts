/**
 * CSV that opens correctly in Excel: UTF-8 with a byte-order mark, CRLF line ends, every field
 * quoted, control characters removed, and cells that a spreadsheet would read as a formula
 * (=, +, -, @, tab, carriage return first) prefixed with an apostrophe.
 */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): string {
  const cell = (v: string | number | null | undefined): string => {
    // eslint-disable-next-line no-control-regex
    let s = String(v ?? '').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return `"${s.replace(/"/g, '""')}"`;
  };
  return '\ufeff' + [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
