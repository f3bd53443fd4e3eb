// `npm run bench [-- NAME...] [--quick | --full]`: runs bench/*.bench.ts (or those whose name
// contains a NAME) in turn, each in its own process, and fails if one fails. Other `--flags` pass
// through; --quick runs only the scale benchmark's small scenarios (the CI smoke test), --full adds
// 1,000 apps to it. Long runs (soak) run only when named.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith('--') && !/^\d/.test(a));
const passed = args.filter((a) => !names.includes(a));
const only = names.length > 0 ? names : args.includes('--quick') ? ['scale'] : [];
const OPT_IN = ['soak.bench.ts'];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => (only.length === 0 ? !OPT_IN.includes(f) : only.some((o) => f.includes(o))))
  .sort();
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, file), ...passed], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
