import { execFile } from 'node:child_process';
import { DroverError } from '../domain/errors.js';
import { redactURL } from './url.js';

export type GitOptions = {
  cwd?: string;
  /** Repository URL for error messages; credentials are stripped before use. */
  repo?: string;
  input?: Buffer | string;
  timeoutMs?: number;
  maxBuffer?: number;
  /** Extra environment (credentials, GNUPGHOME) for this child only. */
  env?: Record<string, string>;
  /** Secret values that must never appear in an error message. */
  secrets?: string[];
};

/** Environment for every git child: no prompts, no pager, no user or system config surprises. */
function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...extra,
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    GIT_CONFIG_NOSYSTEM: '1',
    LC_ALL: 'C',
  };
}

/** Runs git and returns stdout as a Buffer; a failure becomes a DROVER_ERR_GIT naming the command and repo. */
export function git(args: string[], options: GitOptions = {}): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        env: gitEnv(options.env),
        encoding: 'buffer',
        maxBuffer: options.maxBuffer ?? 256 * 1024 * 1024,
        timeout: options.timeoutMs ?? 120_000,
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(gitError(args, options.repo, stderr.toString('utf8') || error.message, options.secrets));
          return;
        }
        resolvePromise(stdout);
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Like git() but returns trimmed text. */
export async function gitText(args: string[], options: GitOptions = {}): Promise<string> {
  return (await git(args, options)).toString('utf8').trim();
}

/** A DROVER_ERR_GIT naming the command (URLs left out) and the repository, with git's message minus any secret. */
export function gitError(
  args: string[],
  repo: string | undefined,
  message: string,
  secrets: string[] = [],
): DroverError {
  const command = `git ${args.filter((a) => a !== repo && !/^[a-z]+:\/\//i.test(a)).join(' ')}`;
  const where = repo ? ` for ${redactURL(repo)}` : '';
  return new DroverError('DROVER_ERR_GIT', `${command}${where} failed: ${redactText(message.trim(), secrets)}`, {
    command,
    repo: repo && redactURL(repo),
  });
}

/** Removes userinfo in URLs (git echoes URLs in errors) and every known secret value from free text. */
export function redactText(text: string, secrets: string[] = []): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('***');
  return out;
}
