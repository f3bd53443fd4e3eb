import { useEffect, useRef, useState } from 'react';

/** A Drover event as the stream carries it: `type` is the SSE event name, the rest its JSON. */
export type LiveEvent = { type: string; app?: string; [key: string]: unknown };
/** live: the event stream is open; polling: the server has no stream, pages poll; lost: reconnecting. */
export type Connection = 'connecting' | 'live' | 'polling' | 'lost';

type Listener = (event: LiveEvent) => void;
const listeners = new Set<Listener>();
const connectionListeners = new Set<(state: Connection) => void>();
let state: Connection = 'connecting';
let started = false;

const POLL_MS = 1000;
/** The server sends a heartbeat every 15 s: a stream silent for longer than this is dead. */
const SILENCE_MS = 35_000;
let current: AbortController | undefined;

function setState(next: Connection) {
  if (state === next) return;
  state = next;
  for (const listener of connectionListeners) listener(next);
}

function emit(event: LiveEvent) {
  for (const listener of listeners) listener(event);
}

/**
 * One event stream for the whole page, read with fetch (not EventSource) so a 404 (a server
 * without /api/v1/events) or a 401 is visible: then pages poll once a second instead.
 * Reconnects with Last-Event-ID; a `resync` (or a reconnect) tells pages to reload.
 */
async function run(): Promise<void> {
  let lastId: string | undefined;
  let wait = 500;
  for (;;) {
    const abort = new AbortController();
    current = abort;
    try {
      const response = await fetch('/api/v1/events', {
        headers: { accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) },
        credentials: 'same-origin',
        signal: abort.signal,
      });
      if (response.status === 404) return poll();
      if (!response.ok || !response.body) throw new Error(`events: ${response.status}`);
      if (state === 'lost') emit({ type: 'resync' });
      setState('live');
      wait = 500;
      lastId = (await read(response.body, (id) => (lastId = id), abort)) ?? lastId;
    } catch {
      /* fall through to reconnect */
    }
    setState('lost');
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(wait * 2, 5000);
  }
}

async function read(
  body: ReadableStream<Uint8Array>,
  onId: (id: string) => void,
  abort: AbortController,
): Promise<string | undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let silence = setTimeout(() => abort.abort(), SILENCE_MS);
  for (;;) {
    const { value, done } = await reader.read().finally(() => clearTimeout(silence));
    silence = setTimeout(() => abort.abort(), SILENCE_MS);
    if (done) clearTimeout(silence);
    if (done) return undefined;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = parseBlock(block);
      if (fields.id) onId(fields.id);
      if (!fields.data && fields.event !== 'resync') continue;
      const data = fields.data ? (JSON.parse(fields.data) as Record<string, unknown>) : {};
      emit({ ...data, type: fields.event ?? String(data.type ?? 'message') });
    }
  }
}

function parseBlock(block: string): { id?: string; event?: string; data?: string } {
  const out: { id?: string; event?: string; data?: string } = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const key = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (key === 'data') out.data = out.data === undefined ? value : `${out.data}\n${value}`;
    else if (key === 'id' || key === 'event') out[key] = value;
  }
  return out;
}

/** Without a stream, a tick a second; a failed health check shows the connection lost, its return a resync. */
function poll(): void {
  setState('polling');
  setInterval(async () => {
    const up = await fetch('/healthz', { cache: 'no-store' }).then(
      (r) => r.ok,
      () => false,
    );
    if (!up) return setState('lost');
    if (state === 'lost') emit({ type: 'resync' });
    setState('polling');
    emit({ type: 'poll' });
  }, POLL_MS);
}

function start() {
  if (started) return;
  started = true;
  // An open stream may outlive the network (a dead socket reads nothing): the browser knows first.
  window.addEventListener('offline', () => current?.abort());
  void run();
}

/** Calls `handler` for every live event (and every poll tick when the server has no stream). */
export function useLiveEvents(handler: Listener): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    start();
    const listener: Listener = (event) => ref.current(event);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
}

export function useConnection(): Connection {
  const [current, setCurrent] = useState(state);
  useEffect(() => {
    start();
    setCurrent(state);
    connectionListeners.add(setCurrent);
    return () => void connectionListeners.delete(setCurrent);
  }, []);
  return current;
}
