import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listAudit } from '../store/audit.js';
import { openDatabase } from '../store/db.js';

const grafanaId = (list: { tokens: Array<{ name: string; id?: string }> }) =>
  list.tokens.find((tk) => tk.name === 'grafana')!.id;

// The CLI from its sources (as `npm run dev` runs it), so a stale dist/ never answers for new code.
const CLI = ['--import', 'tsx', fileURLToPath(new URL('./dev.ts', import.meta.url))];
const drover = (...args: string[]) => spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8' });

test('drover token create|list|revoke work offline on the data dir; the secret is alone on stdout, once', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-token-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'drover.hcl');
  writeFileSync(config, `data_dir = "./data"\n`);

  const created = drover('token', 'create', '--config', config, '--role', 'operator', '--apps', 'web-*');
  assert.equal(created.status, 0, created.stderr);
  assert.match(created.stdout, /^drv_[0-9a-f]{12}_[A-Za-z0-9_-]{43}\n$/, 'only the secret: TOKEN=$(...) works');
  const secret = created.stdout.trim();
  const id = secret.slice(4, 16);
  assert.match(created.stderr, new RegExp(`Created operator token ${id} .* for web-\\*, never expires`));
  const named = drover('token', 'create', '-c', config, '--role', 'viewer', '--name', 'grafana', '--expires', '30d');
  assert.equal(named.status, 0, named.stderr);

  const list = drover('token', 'list', '--config', config);
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /^ID\s+NAME\s+ROLE\s+APPS\s+STATUS\s+EXPIRES\s+LAST USED\n/);
  assert.match(list.stdout, new RegExp(`${id}\\s+token-${id}\\s+operator\\s+web-\\*\\s+active\\s+-`));
  const json = JSON.parse(drover('token', 'list', '-c', config, '--json').stdout) as {
    tokens: Array<{ id: string; name: string; expiresAt?: string }>;
  };
  const grafana = json.tokens.find((tk) => tk.name === 'grafana')!;
  const days = (Date.parse(grafana.expiresAt!) - Date.now()) / 86_400_000;
  assert.ok(days > 29.9 && days <= 30, `expires in 30 days, not ${days}`);
  for (const file of readdirSync(join(dir, 'data')).filter((f) => f.startsWith('drover.db'))) {
    assert.ok(!readFileSync(join(dir, 'data', file)).includes(secret.slice(17)), `${file} holds no secret`);
  }

  const revoked = drover('token', 'revoke', id, '--config', config);
  assert.equal(revoked.status, 0, revoked.stderr);
  assert.match(drover('token', 'list', '-c', config).stdout, new RegExp(`${id}.*revoked`));
  assert.match(drover('token', 'revoke', id, '-c', config).stderr, /already revoked/);

  const db = openDatabase(join(dir, 'data', 'drover.db'));
  const audit = listAudit(db).map((e) => [e.action, e.target, e.actor.kind]);
  db.close();
  assert.deepEqual(audit.slice(0, 2), [
    ['token.revoke', id, 'cli'],
    ['token.create', grafanaId(json), 'cli'],
  ]);

  const bad = drover('token', 'create', '-c', config, '--role', 'root');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--role: must be one of viewer, operator, admin, not "root"/);
  assert.equal(bad.stdout, '');
  assert.match(drover('token', 'create', '-c', config, '--role', 'admin', '--expires', 'soon').stderr, /--expires/);
});
