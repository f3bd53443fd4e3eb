// Rows of the benchmark table: each figure's median, min and max over its rounds, with the
// baseline measured in the same run and Drover's ratio to it.
export type Row = {
  measure: string;
  unit: string;
  values: number[];
  median: number;
  min: number;
  max: number;
  baseline?: { what: string; value: number };
  /** Drover's median over the baseline (below 1: Drover does less). */
  ratio?: number;
  goal?: string;
};

export type ScenarioResult = { name: string; apps: number; jobs: number; repos: number; rows: Row[] };

export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
}

export function row(
  measure: string,
  unit: string,
  values: number[],
  extra: { baseline?: { what: string; value: number }; goal?: string } = {},
): Row {
  const mid = median(values);
  const ratio = extra.baseline && extra.baseline.value > 0 ? mid / extra.baseline.value : undefined;
  return { measure, unit, values, median: mid, min: Math.min(...values), max: Math.max(...values), ...extra, ratio };
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 0.1) return value.toFixed(2);
  return value.toPrecision(2);
}

function ratioText(ratio: number | undefined): string {
  if (ratio === undefined) return '';
  if (ratio === 0) return '0×';
  return ratio >= 1 ? `${formatNumber(ratio)}×` : `1/${formatNumber(1 / ratio)}`;
}

/** The table as Markdown (the README) or aligned text (the terminal). */
export function table(result: ScenarioResult, markdown: boolean): string {
  const header = ['measure', 'median', 'min', 'max', 'baseline (same run)', 'ratio', 'goal'];
  const lines = result.rows.map((r) => [
    `${r.measure} (${r.unit})`,
    formatNumber(r.median),
    formatNumber(r.min),
    formatNumber(r.max),
    r.baseline ? `${formatNumber(r.baseline.value)} ${r.baseline.what}` : '',
    ratioText(r.ratio),
    r.goal ?? '',
  ]);
  if (markdown) {
    const md = (cells: string[]) => `| ${cells.join(' | ')} |`;
    return [md(header), md(header.map(() => '---')), ...lines.map(md)].join('\n');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const text = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === 4 || i === 6 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [text(header), ...lines.map(text)].join('\n');
}
