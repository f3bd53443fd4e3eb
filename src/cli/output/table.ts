// A plain text table that fits the terminal: columns take their widest cell, and when the
// row is too wide the last columns (messages, subjects) are cut with an ellipsis.

/** Visible width, ignoring ANSI colour codes. */
function width(text: string): number {
  // eslint-disable-next-line no-control-regex -- ANSI escapes are exactly what is stripped
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}

function truncate(text: string, max: number): string {
  if (width(text) <= max) return text;
  // eslint-disable-next-line no-control-regex -- as above
  const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
  return max <= 1 ? plain.slice(0, max) : plain.slice(0, max - 1) + '…';
}

/**
 * Renders rows under a header, two spaces between columns. `maxWidth` is the terminal width
 * (undefined when not a terminal: nothing is cut, so piped output keeps every character).
 */
export function table(header: string[], rows: string[][], maxWidth?: number): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  if (maxWidth !== undefined) shrink(widths, header, maxWidth);
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const cut = truncate(cell ?? '', widths[i]!);
        return i === cells.length - 1 ? cut : cut + ' '.repeat(widths[i]! - width(cut));
      })
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** Narrows columns from the last one back, never below their header, until the row fits. */
function shrink(widths: number[], header: string[], maxWidth: number): void {
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  for (let i = widths.length - 1; i >= 0 && total() > maxWidth; i--) {
    const floor = Math.max(width(header[i]!), 8);
    widths[i] = Math.max(floor, widths[i]! - (total() - maxWidth));
  }
}
