import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** Drover's version from its package.json, found by walking up from this file (sources and dist/ alike). */
export function droverVersion(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6 && !cached; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'drover' && pkg.version) cached = pkg.version;
    }
    dir = dirname(dir);
  }
  return (cached ??= 'unknown');
}
