import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function violations(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${root}/${file}` });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

test('lower layers may not import upper ones', async () => {
  assert.match(
    (
      await violations('src/domain/x.ts', "import { compare } from '../reconcile/compare.js';\nexport { compare };\n")
    )[0] ?? '',
    /domain\/ is the bottom layer/,
  );
  assert.match(
    (await violations('src/git/x.ts', "import { createApi } from '../server/api.js';\nexport { createApi };\n"))[0] ??
      '',
    /may import only domain/,
  );
  assert.match(
    (await violations('src/reconcile/x.ts', "import { main } from '../cli/index.js';\nexport { main };\n"))[0] ?? '',
    /below server\/ and cli\//,
  );
  assert.match(
    (await violations('sim/x.ts', "import { createApi } from '../src/server/api.js';\nexport { createApi };\n"))[0] ??
      '',
    /import no server code/,
  );
});

test('imports that follow the design are allowed', async () => {
  assert.deepEqual(
    await violations(
      'src/reconcile/x.ts',
      "import { ownerOf } from '../domain/job.js';\nimport { MirrorSet } from '../git/mirror.js';\nexport { ownerOf, MirrorSet };\n",
    ),
    [],
  );
  assert.deepEqual(
    await violations(
      'src/server/x.ts',
      "import { Controller } from '../reconcile/controller.js';\nexport { Controller };\n",
    ),
    [],
  );
  assert.deepEqual(
    await violations('sim/x.ts', "import { ownerOf } from '../src/domain/job.js';\nexport { ownerOf };\n"),
    [],
  );
});

test('reconcile/ and server/ use the Store they are given: types from store/, never its functions', async () => {
  const storeRule = async (file: string, source: string) => {
    const [result] = await eslint.lintText(source, { filePath: `${root}/${file}` });
    return result!.messages
      .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
      .map((m) => m.message);
  };
  assert.match(
    (await storeRule('src/reconcile/x.ts', "import { getPin } from '../store/pins.js';\nexport { getPin };\n"))[0] ??
      '',
    /use the Store interface/,
  );
  assert.match(
    (
      await storeRule('src/server/x.ts', "import { openDatabase } from '../store/db.js';\nexport { openDatabase };\n")
    )[0] ?? '',
    /use the Store interface/,
  );
  assert.deepEqual(
    await storeRule('src/reconcile/x.ts', "import type { Store } from '../store/store.js';\nexport type { Store };\n"),
    [],
  );
});
