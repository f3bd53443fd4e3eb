import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The CLI from its sources (as `npm run dev` runs it), so a stale dist/ never answers for new code.
const CLI = ['--import', 'tsx', fileURLToPath(new URL('../../src/cli/dev.ts', import.meta.url))];

export type CliResult = { code: number | null; stdout: string; stderr: string };

/**
 * Runs the `drover` CLI from its sources (asynchronously, so a server in this process keeps answering).
 * Colour is off and the config file lives where `env.XDG_CONFIG_HOME` says; killed after 60 s.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], {
      env: { ...process.env, NO_COLOR: '1', DROVER_ADDR: '', DROVER_TOKEN: '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}
