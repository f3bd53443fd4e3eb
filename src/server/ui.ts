/**
 * A single-page status view served at "/" until the React UI (web/) lands: it reads the
 * same /api/v1/apps route every client uses and escapes everything it shows. Script and
 * styles are served as files (/ui.js, /ui.css) so the Content-Security-Policy can forbid
 * inline script.
 */
export function uiPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Drover</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/ui.css">
<script src="/ui.js" defer></script>
</head>
<body>
<h1>Drover</h1>
<form id="signin" hidden>
  <p>Sign in with an API token (<code>drover token create</code>; the demo prints one as <code>DROVER_TOKEN</code>).</p>
  <input id="token" type="password" autocomplete="off" placeholder="drv_..." size="60" aria-label="API token">
  <button type="submit">Sign in</button> <span id="signin-error" class="cond"></span>
</form>
<table id="table">
  <thead><tr><th>App</th><th>Source</th><th>Sync</th><th>Revision</th><th>Jobs</th><th>Last sync</th></tr></thead>
  <tbody id="apps"><tr><td colspan="6">Loading…</td></tr></tbody>
</table>
</body>
</html>`;
}

/** The page's styles (/ui.css). */
export const UI_CSS = `body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1d2330; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #e3e6ec; vertical-align: top; }
.Synced { color: #177245; } .OutOfSync { color: #b25e00; } .Unknown, .Missing, .Extra { color: #a31515; }
code { font-size: 12px; } .cond { color: #a31515; white-space: pre-wrap; }
`;

/** The page's script (/ui.js): token sign-in, then the app list every 2 s, every value escaped. */
export const UI_JS = `const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) =>
  ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
const form = document.getElementById('signin');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const res = await fetch('/api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: document.getElementById('token').value.trim() }) });
  if (!res.ok) { document.getElementById('signin-error').textContent = (await res.json()).error.message; return; }
  form.hidden = true; document.getElementById('table').hidden = false; load();
});
async function load() {
  const res = await fetch('/api/v1/apps');
  if (res.status === 401) { form.hidden = false; document.getElementById('table').hidden = true; return; }
  const { apps } = await res.json();
  document.getElementById('apps').innerHTML = apps.map((a) => {
    const s = a.status;
    const job = (j) => '<div><code>' + esc(j.id) + '</code> <span class="' + esc(j.status) + '">' + esc(j.status) + '</span></div>';
    const jobs = s.jobs.map(job).join('');
    const conds = s.conditions.map((c) => '<div class="cond">' + esc(c.type) + ': ' + esc(c.message) + '</div>').join('');
    const last = s.lastSync ? esc(s.lastSync.result) + ' ' + esc(s.lastSync.finishedAt) : '';
    const source = '<code>' + esc(a.source.repoURL) + '</code><br>' + esc(a.source.revision) + ' · ' + esc(a.source.path);
    const sync = '<td class="' + esc(s.sync.status) + '">' + esc(s.sync.status) + conds + '</td>';
    const revision = '<code>' + esc((s.sync.revision || '').slice(0, 12)) + '</code>';
    return '<tr data-app="' + esc(a.name) + '"><td><b>' + esc(a.name) + '</b></td><td>' + source + '</td>' + sync +
      '<td>' + revision + '</td><td>' + jobs + '</td><td>' + last + '</td></tr>';
  }).join('') || '<tr><td colspan="6">No apps configured.</td></tr>';
}
load(); setInterval(load, 2000);
`;
