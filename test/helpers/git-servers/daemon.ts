import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { listenOnLoopback } from './listen.js';

/** A `git daemon` serving every repository under `root` over git://127.0.0.1. */
export type GitDaemon = { port: number; url(repo: string): string; stop(): Promise<void> };

/**
 * Starts a git:// server on a free loopback port. Node owns the listening socket and hands
 * each connection to `git daemon --inetd`, so port 0 works and no daemon can outlive the test.
 */
export async function startGitDaemon(root: string): Promise<GitDaemon> {
  const children = new Set<ReturnType<typeof spawn>>();
  const server = createServer((socket) => {
    const child = spawn('git', ['daemon', '--inetd', '--export-all', `--base-path=${root}`, root], {
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    });
    children.add(child);
    child.once('exit', () => {
      children.delete(child);
      socket.destroy();
    });
    socket.on('error', () => child.kill());
    child.stdin!.on('error', () => undefined);
    socket.pipe(child.stdin!);
    child.stdout!.pipe(socket);
  });
  const port = await listenOnLoopback(server);
  return {
    port,
    url: (repo) => `git://127.0.0.1:${port}/${repo}`,
    stop: () =>
      new Promise<void>((done) => {
        for (const child of children) child.kill();
        server.close(() => done());
      }),
  };
}
