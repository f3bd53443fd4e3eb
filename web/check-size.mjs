// Fails the UI build when the JavaScript the first page load needs is over budget (gzipped):
// the entry script and every chunk index.html preloads. Lazy chunks are not counted.
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET = 200 * 1024;
const dist = join(dirname(fileURLToPath(import.meta.url)), 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const scripts = [
  ...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/([^"]+\.js)"/g),
].map((m) => m[1]);
if (scripts.length === 0) throw new Error('no script found in web/dist/index.html');
let total = 0;
for (const file of scripts) {
  const size = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
  total += size;
  console.log(`  ${file}  ${(size / 1024).toFixed(1)} KiB gzipped`);
}
const line = `initial JavaScript: ${(total / 1024).toFixed(1)} KiB gzipped (budget ${BUDGET / 1024} KiB)`;
if (total > BUDGET) {
  console.error(`${line}: over budget`);
  process.exit(1);
}
console.log(line);
