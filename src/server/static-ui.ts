import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Env, Hono } from 'hono';
import { uiMissingPage } from './ui.js';

/**
 * Where `npm run build:web` writes the UI: web/dist at the package root, two levels up from
 * src/server and three from the compiled dist/src/server.
 */
export const WEB_DIST = webDist(dirname(fileURLToPath(import.meta.url)));

function webDist(here: string): string {
  const candidates = [resolve(here, '..', '..', 'web', 'dist'), resolve(here, '..', '..', '..', 'web', 'dist')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0]!;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves the built React UI: hashed files under /assets/ with a year's cache (their name
 * changes with their content), and index.html (never cached) for `/` and every client-side
 * route (any path outside /api/ without a file extension) (`/apps/NAME`...), so deep links and reloads work.
 */
export function registerStaticUI<E extends Env>(api: Hono<E>, dist = WEB_DIST): void {
  const indexFile = join(dist, 'index.html');
  const index = () => (existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : uiMissingPage());

  api.get('/assets/*', (c, next) => {
    const file = resolve(dist, `.${c.req.path}`);
    if (!file.startsWith(dist + sep) || !existsSync(file)) return next();
    c.header('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
    c.header('cache-control', 'public, max-age=31536000, immutable');
    return c.body(readFileSync(file));
  });
  api.get('*', (c, next) => {
    // A path with a file extension is a missing file, not a page; the API keeps its JSON 404s.
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/assets/') || /\.[a-z0-9]+$/i.test(c.req.path))
      return next();
    c.header('cache-control', 'no-cache');
    return c.html(index());
  });
}
