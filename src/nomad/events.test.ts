import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { NomadClient } from './index.js';
import { EventStreamClosedError } from './events.js';
import { NomadNetworkError } from './errors.js';

// A raw ndjson server: each request gets the script its `mode` query names.
let server: Server;
let nomad: NomadClient;
const open: ServerResponse[] = [];

before(async () => {
  server = createServer((req, res) => {
    const mode = new URL(req.url!, 'http://x').searchParams.get('index');
    res.writeHead(200, { 'content-type': 'application/json' });
    open.push(res);
    if (mode === '1') {
      // Split lines across chunks, a heartbeat, then a clean EOF.
      res.write('{}\n{"Index":5,"Ev');
      setTimeout(
        () =>
          res.end(
            'ents":[{"Topic":"Job","Type":"JobRegistered","Key":"a","Namespace":"default","FilterKeys":null,"Index":5,"Payload":{}}]}\n{}\n',
          ),
        10,
      );
    } else {
      res.write('{}\n'); // then silence
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  nomad = new NomadClient({ address: `http://127.0.0.1:${(server.address() as { port: number }).port}` });
});

after(async () => {
  for (const res of open) res.destroy();
  server.close();
  await nomad.close();
});

test('stream reassembles lines split across chunks, skips heartbeats, and reports EOF with the last index', async () => {
  const batches: number[] = [];
  await assert.rejects(
    async () => {
      for await (const batch of nomad.events.stream({ index: 1 })) batches.push(batch.Index);
    },
    (error: EventStreamClosedError) => error instanceof EventStreamClosedError && error.lastIndex === 5,
  );
  assert.deepEqual(batches, [5]);
});

test('a silent connection counts as dropped after the idle timeout', async () => {
  await assert.rejects(
    async () => {
      for await (const _ of nomad.events.stream({ index: 2, idleTimeoutMs: 50 })) {
        /* nothing arrives */
      }
    },
    (error: NomadNetworkError) =>
      error instanceof NomadNetworkError && /no event or heartbeat for 50 ms/.test(error.message),
  );
});
