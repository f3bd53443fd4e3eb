import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OriginGuard } from './origin.js';

test('a loopback listener accepts its own names at its port, and nothing else', () => {
  const guard = new OriginGuard('127.0.0.1', undefined);
  assert.equal(guard.hostAllowed('127.0.0.1:8080'), false, 'refused until the port is known');
  guard.setPort(8080);
  for (const host of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', 'LOCALHOST:8080'])
    assert.ok(guard.hostAllowed(host), host);
  for (const host of ['attacker.example:8080', '127.0.0.1:9090', '127.0.0.1', undefined, 'a b', '10.0.0.1:8080'])
    assert.equal(guard.hostAllowed(host), false, String(host));
  assert.ok(guard.originAllowed('http://localhost:8080'));
  for (const origin of ['http://evil.example', 'null', 'file://', 'http://localhost:8081', 'ftp://localhost:8080'])
    assert.equal(guard.originAllowed(origin), false, origin);
});

test('external_url adds its host, with the default port when the URL names none', () => {
  const guard = new OriginGuard('10.1.2.3', 'https://drover.example.com');
  guard.setPort(8080);
  assert.ok(guard.hostAllowed('drover.example.com', 'https:'));
  assert.ok(guard.hostAllowed('drover.example.com:443', 'https:'));
  assert.ok(guard.hostAllowed('10.1.2.3:8080'));
  assert.equal(guard.hostAllowed('localhost:8080'), false, 'not loopback, so localhost is not this server');
  assert.ok(guard.originAllowed('https://drover.example.com'));
  assert.equal(guard.originAllowed('http://drover.example.com'), false);
  assert.equal(guard.originAllowed('https://drover.example.com.evil.example'), false);
});

test('a wildcard listener accepts every local interface address', () => {
  const guard = new OriginGuard('0.0.0.0', undefined);
  guard.setPort(80);
  assert.ok(guard.hostAllowed('127.0.0.1'));
  assert.ok(guard.hostAllowed('localhost:80'));
  assert.equal(guard.hostAllowed('attacker.example'), false);
});
