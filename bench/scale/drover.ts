// The Drover under measurement, in a child process running dist/, and what the harness reads of it.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/src/main.js', import.meta.url));

type Answer = { id: number; [key: string]: unknown };

/** A `drover server` equivalent (compiled, no heap flags) that answers the harness over IPC. */
export class DroverChild {
  private nextId = 1;
  private readonly pending = new Map<number, (answer: Answer) => void>();

  private constructor(
    readonly process: ChildProcess,
    readonly url: string,
  ) {
    process.on('message', (message: Answer) => {
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
    });
  }

  static async start(configFile: string, env: NodeJS.ProcessEnv): Promise<DroverChild> {
    if (!existsSync(DIST)) throw new Error('dist/ is missing: run `npm run build` first');
    const child = fork(CHILD, [configFile], {
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', DROVER_LOG_LEVEL: 'warn', ...env },
      // BENCH_CHILD_ARGS (e.g. --cpu-prof) is for profiling Drover; the figures are taken without it.
      execArgv: process.env.BENCH_CHILD_ARGS?.split(' ').filter(Boolean) ?? [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('message', (m: { url: string }) => resolve(m.url));
      child.once('exit', (code) => reject(new Error(`the Drover child exited with ${code}`)));
    });
    return new DroverChild(child, url);
  }

  /** Sends a command and waits for its answer. */
  ask<T>(cmd: 'resync' | 'gc' | 'stop' | 'memory' | 'snapshot', extra: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, (answer) => (answer.error ? reject(new Error(String(answer.error))) : resolve(answer as T)));
      this.process.send({ ...extra, id, cmd });
    });
  }

  /** Resident set in MB: VmHWM (peak) or VmRSS (now), from /proc. */
  rssMb(field: 'VmHWM' | 'VmRSS'): number {
    return procKb(this.process.pid!, field) / 1024;
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    await this.ask('stop').catch(() => undefined);
    await exited;
  }
}

/** CPU seconds (user + system) a process has used, from /proc/PID/stat. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function procKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(line?.replace(/\D+/g, '') ?? 0);
}

/** Counts `git fetch` runs in a GIT_TRACE2_EVENT file, reading only what was appended since the last call. */
export class FetchCounter {
  private offset = 0;
  private count = 0;

  constructor(readonly file: string) {}

  total(): number {
    if (!existsSync(this.file)) return 0;
    const size = statSync(this.file).size;
    if (size > this.offset) {
      const text = readFileSync(this.file).subarray(this.offset, size).toString('utf8');
      const complete = text.lastIndexOf('\n') + 1;
      for (const line of text.slice(0, complete).split('\n'))
        if (line.includes('"event":"cmd_name"') && line.includes('"name":"fetch"')) this.count++;
      this.offset += Buffer.byteLength(text.slice(0, complete));
    }
    return this.count;
  }
}
