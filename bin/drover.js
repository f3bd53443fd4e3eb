#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (`npm ci` builds it through the `prepare` script).
// While developing, `npm run dev -- ARGS` runs the TypeScript sources instead.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/index.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('drover: dist/ is missing; run `npm run build` (npm ci does it) or `npm run dev -- ARGS`\n');
  process.exit(1);
}
const { main } = await import(entry.href);
await main(process.argv);
