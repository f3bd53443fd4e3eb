#!/usr/bin/env node
// `npm run build:server`: compiles src/ and sim/ to dist/ with tsc, then copies the files the code
// reads relative to its own module (SQL migrations, the demo's job files), so dist/ runs on its own.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
/** Source folders whose non-TypeScript files ship beside the compiled code. */
const ASSET_DIRS = ['src/store/migrations', 'src/store/postgres/migrations', 'src/cli/demo-jobs'];

// A clean output: a file deleted from src/ must not linger in dist/.
rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);

let copied = 0;
for (const dir of ASSET_DIRS) {
  for (const name of readdirSync(join(root, dir), { recursive: true })) {
    const from = join(root, dir, String(name));
    if (name.endsWith('.ts') || !statSync(from).isFile()) continue;
    cpSync(from, join(out, relative(root, from)));
    copied++;
  }
}
process.stdout.write(`dist/: compiled src/ and sim/, copied ${copied} asset files\n`);
