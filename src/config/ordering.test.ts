import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from './load.js';

const head = `
cluster "default" {
  address = "http://127.0.0.1:4646"
}
`;
const app = (name: string, extra = '') => `
app "${name}" {
  url = "https://git.example.com/jobs.git"
  path = "apps/${name}"
${extra}
}
`;
const load = (text: string) => parseConfig(text, '/etc/drover.hcl', { env: {} });
const refused = (text: string, pattern: RegExp) =>
  assert.throws(
    () => load(text),
    (error: Error) => {
      assert.match(error.message, pattern);
      return true;
    },
  );

test('reads depends_on and the waves map onto the apps', () => {
  const config = load(head + app('db') + app('web', '  depends_on = ["db"]\n  waves = { migrate = -1, web = 2 }'));
  const web = config.apps.find((a) => a.name === 'web')!;
  assert.deepEqual(web.dependsOn, ['db']);
  assert.deepEqual(web.waves, { migrate: -1, web: 2 });
  assert.equal(config.apps.find((a) => a.name === 'db')!.dependsOn, undefined);
});

test('refuses a dependency on an unknown app, naming file, line and field', () => {
  refused(
    head + app('web', '  depends_on = ["dbb"]'),
    /^\/etc\/drover\.hcl:9:\d+: app\.web\.depends_on: no app named "dbb"$/,
  );
});

test('refuses an app that depends on itself', () => {
  refused(head + app('web', '  depends_on = ["web"]'), /app\.web\.depends_on: app "web" cannot depend on itself/);
});

test('refuses a dependency cycle, naming its path', () => {
  const text =
    head + app('a', '  depends_on = ["c"]') + app('b', '  depends_on = ["a"]') + app('c', '  depends_on = ["b"]');
  refused(text, /^\/etc\/drover\.hcl:\d+:\d+: app\.a\.depends_on: dependency cycle: a -> c -> b -> a;/);
});

test('refuses a wave that is not an integer', () => {
  refused(head + app('web', '  waves = { web = 1.5 }'), /app\.web\.waves\.web: /);
});

test('reads repeatable sync_window blocks with their defaults', () => {
  const config = load(
    head +
      app('web') +
      `
sync_window {
  kind     = "deny"
  schedule = "0 22 * * 5"
  duration = "2h30m"
  apps     = ["web", "shop-*"]
}
sync_window {
  kind        = "allow"
  schedule    = "0 6 * * 1-5"
  duration    = "12h"
  manual_sync = true
  time_zone   = "Europe/Paris"
}
`,
  );
  assert.deepEqual(config.syncWindows, [
    {
      kind: 'deny',
      schedule: '0 22 * * 5',
      duration: '2h30m',
      durationMs: 9_000_000,
      apps: ['web', 'shop-*'],
      manualSync: false,
      timeZone: 'UTC',
    },
    {
      kind: 'allow',
      schedule: '0 6 * * 1-5',
      duration: '12h',
      durationMs: 43_200_000,
      apps: ['*'],
      manualSync: true,
      timeZone: 'Europe/Paris',
    },
  ]);
});

test('sync_window in JSON is a list', () => {
  const config = parseConfig(
    JSON.stringify({
      cluster: { default: { address: 'http://127.0.0.1:4646' } },
      sync_window: [{ kind: 'deny', schedule: '@daily', duration: '1h' }],
    }),
    '/etc/drover.json',
    { env: {} },
  );
  assert.equal(config.syncWindows[0]!.schedule, '@daily');
});

test('refuses a bad cron schedule, naming file, line and field', () => {
  const text = head + `\nsync_window {\n  kind = "deny"\n  schedule = "0 25 * * *"\n  duration = "1h"\n}\n`;
  refused(text, /^\/etc\/drover\.hcl:8:3: sync_window\.0\.schedule: "0 25 \* \* \*" is not a cron schedule: /);
  const fields = head + `\nsync_window {\n  kind = "deny"\n  schedule = "0 22 * *"\n  duration = "1h"\n}\n`;
  refused(fields, /sync_window\.0\.schedule: "0 22 \* \*" has 4 field\(s\); write five/);
});

test('refuses a bad duration, kind or time zone in a sync_window', () => {
  const block = (body: string) => head + `\nsync_window {\n${body}\n}\n`;
  refused(
    block('kind = "deny"\nschedule = "@daily"\nduration = "soon"'),
    /sync_window\.0\.duration: must be a positive Go duration/,
  );
  refused(block('kind = "maybe"\nschedule = "@daily"\nduration = "1h"'), /sync_window\.0\.kind: /);
  refused(
    block('kind = "deny"\nschedule = "@daily"\nduration = "1h"\ntime_zone = "Mars/Olympus"'),
    /sync_window\.0\.time_zone: must be an IANA time zone/,
  );
});
