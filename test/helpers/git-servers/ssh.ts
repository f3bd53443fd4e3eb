import { spawn } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { listenOnLoopback } from './listen.js';

const { Server, utils } = ssh2;

/** An SSH key pair in OpenSSH formats: `privateKey` for a key file, `publicKey` for authorized_keys. */
export type SSHKeyPair = { privateKey: string; publicKey: string };

export function generateSSHKey(): SSHKeyPair {
  const pair = utils.generateKeyPairSync('ed25519');
  return { privateKey: pair.private, publicKey: pair.public };
}

export type GitSSHServer = {
  port: number;
  /** `ssh://git@127.0.0.1:PORT/REPO`. */
  url(repo: string): string;
  /** The known_hosts line for this server's host key. */
  knownHostsLine: string;
  /** Commands clients ran, e.g. `git-upload-pack '/org/repo'`. */
  commands: string[];
  stop(): Promise<void>;
};

/**
 * An in-process SSH server on 127.0.0.1 that accepts only `authorizedKey` and runs
 * git-upload-pack for repositories under `root`, as a git host's SSH endpoint does.
 */
export async function startGitSSH(root: string, authorizedKey: string): Promise<GitSSHServer> {
  const hostKey = generateSSHKey();
  const allowed = utils.parseKey(authorizedKey);
  if (allowed instanceof Error) throw allowed;
  const commands: string[] = [];
  const server = new Server({ hostKeys: [hostKey.privateKey] }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.key.algo !== allowed.type) return ctx.reject(['publickey']);
      const expected = allowed.getPublicSSH();
      if (ctx.key.data.length !== expected.length || !timingSafeEqual(ctx.key.data, expected))
        return ctx.reject(['publickey']);
      if (ctx.signature && ctx.blob && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true)
        return ctx.reject(['publickey']);
      ctx.accept();
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        const env: Record<string, string> = {};
        session.on('env', (accept, _reject, info) => {
          env[info.key] = info.val;
          accept?.();
        });
        session.on('exec', (accept, reject, info) => {
          commands.push(info.command);
          const match = /^git[ -]upload-pack '([^']+)'$/.exec(info.command);
          if (!match) return reject?.();
          const stream = accept();
          const child = spawn('git-upload-pack', [join(root, match[1]!.replace(/^\/+/, ''))], {
            env: {
              ...process.env,
              GIT_CONFIG_GLOBAL: '/dev/null',
              GIT_CONFIG_NOSYSTEM: '1',
              ...(env.GIT_PROTOCOL ? { GIT_PROTOCOL: env.GIT_PROTOCOL } : {}),
            },
            stdio: ['pipe', 'pipe', 'pipe'],
          });
          child.stdin.on('error', () => undefined);
          stream.pipe(child.stdin);
          child.stdout.pipe(stream, { end: false });
          child.stderr.pipe(stream.stderr, { end: false });
          child.once('close', (code) => {
            stream.exit(code ?? 1);
            stream.end();
          });
        });
      });
    });
  });
  const port = await listenOnLoopback(server);
  return {
    port,
    commands,
    url: (repo) => `ssh://git@127.0.0.1:${port}/${repo}`,
    knownHostsLine: `[127.0.0.1]:${port} ${hostKey.publicKey.split(' ').slice(0, 2).join(' ')}\n`,
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}
