const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/**
 * Parses a Go duration string ("1h30m", "250ms", "-1.5s") into nanoseconds, as Nomad and
 * every HashiCorp tool write durations. Throws on anything Go's time.ParseDuration rejects.
 */
export function parseDuration(text: string): number {
  const input = text.trim();
  if (input === '0') return 0;
  const match = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/u.exec(input);
  if (!match) throw new Error(`invalid duration "${text}"`);
  const sign = match[1] === '-' ? -1 : 1;
  let total = 0;
  for (const part of input.slice(match[1]!.length).matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gu)) {
    total += Number(part[1]) * UNIT_NS[part[2]!]!;
  }
  return sign * Math.round(total);
}

/** Nanoseconds to milliseconds, for timers. */
export function durationMs(text: string): number {
  return parseDuration(text) / 1e6;
}

/** A millisecond count as a short Go duration: "3m", "1h30m", "45s", "250ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  let seconds = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (seconds >= size) {
      parts.push(`${Math.floor(seconds / size)}${unit}`);
      seconds %= size;
    }
  }
  if (seconds > 0 || parts.length === 0) parts.push(`${seconds}s`);
  return parts.join('');
}

/**
 * Parses a lifetime such as a token's `--expires`: a Go duration, or whole days or weeks
 * ("30d", "2w", "1d12h"), which Go durations lack. Returns milliseconds; throws when not positive.
 */
export function parseLifetimeMs(text: string): number {
  const match = /^(?:(\d+)w)?(?:(\d+)d)?(.*)$/.exec(text.trim());
  const [weeks, days, rest] = [Number(match?.[1] ?? 0), Number(match?.[2] ?? 0), match?.[3] ?? ''];
  let ms = (weeks * 7 + days) * 86_400_000;
  if (rest !== '') ms += parseDuration(rest) / 1e6;
  else if (!match?.[1] && !match?.[2]) throw new Error(`invalid duration "${text}"`);
  if (!(ms > 0)) throw new Error(`duration "${text}" must be positive`);
  return ms;
}
