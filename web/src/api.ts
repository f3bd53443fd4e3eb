import type { App, DiffView, Principal, ResourceTree, SyncRun } from './types.ts';

/** An API error answer: its HTTP status and Drover's error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// The session's CSRF token lives in memory only: the session itself is an HttpOnly cookie.
let csrfToken: string | undefined;
const unauthorized = new Set<() => void>();

/** Called when any request answers 401, so the app can show the sign-in page. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorized.add(listener);
  return () => unauthorized.delete(listener);
}

export async function request<T>(path: string, init: { method?: string; json?: unknown } = {}): Promise<T> {
  const method = init.method ?? (init.json !== undefined ? 'POST' : 'GET');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (response.status === 401) for (const listener of unauthorized) listener();
    throw new ApiError(
      response.status,
      error?.code ?? 'HTTP',
      error?.message ?? `${response.status} ${response.statusText}`,
    );
  }
  return body as T;
}

/** Who is signed in: null when sign-in is needed; a server without sessions acts as an anonymous admin. */
export async function loadSession(): Promise<Principal | null> {
  try {
    const session = await request<{ principal: Principal; csrfToken?: string }>('/api/v1/session');
    csrfToken = session.csrfToken;
    return session.principal;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    if (error instanceof ApiError && error.status === 404)
      return { kind: 'anonymous', id: 'anonymous', role: 'admin', apps: [] };
    throw error;
  }
}

/** Which sign-in methods the server offers (public: the sign-in page asks before anyone is signed in). */
export function signInProviders(): Promise<{ token: boolean; oidc: boolean }> {
  return request<{ token: boolean; oidc: boolean }>('/api/v1/session/providers');
}

export async function signIn(token: string): Promise<Principal> {
  const session = await request<{ principal: Principal; csrfToken: string }>('/api/v1/session', { json: { token } });
  csrfToken = session.csrfToken;
  return session.principal;
}

export async function signOut(): Promise<void> {
  await request('/api/v1/session', { method: 'DELETE' });
  csrfToken = undefined;
}

const app = (name: string) => `/api/v1/apps/${encodeURIComponent(name)}`;

export type SyncOptions = { jobs?: string[]; dryRun?: boolean; prune?: boolean; revision?: string };
export type ActionAnswer = App & { run?: SyncRun };

export const api = {
  apps: () => request<{ apps: App[] }>('/api/v1/apps').then((b) => b.apps),
  app: (name: string) => request<App>(app(name)),
  resources: (name: string) => request<ResourceTree>(`${app(name)}/resources`),
  diff: (name: string) => request<DiffView>(`${app(name)}/diff`),
  history: (name: string) => request<{ history: SyncRun[] }>(`${app(name)}/history`).then((b) => b.history),
  run: (name: string, id: number) => request<SyncRun>(`${app(name)}/history/${id}`),
  refresh: (name: string) => request<ActionAnswer>(`${app(name)}/refresh`, { method: 'POST' }),
  plan: (name: string, options: SyncOptions) =>
    request<DiffView>(`${app(name)}/sync`, { json: { ...options, dryRun: true } }),
  sync: (name: string, options: SyncOptions) => request<ActionAnswer>(`${app(name)}/sync`, { json: options }),
  rollback: (name: string, target: { id: number } | { revision: string }) =>
    request<ActionAnswer>(`${app(name)}/rollback`, { json: target }),
  unpin: (name: string) => request<ActionAnswer>(`${app(name)}/unpin`, { method: 'POST' }),
};
