import { execFile } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import type { SignatureCheck } from '../domain/commit.js';
import { DroverError } from '../domain/errors.js';
import { redactURL } from './url.js';

/**
 * Verifies commit signatures against one keyring file (ASCII-armored or binary public keys).
 * The keys are imported into a private GNUPGHOME owned by Drover, re-imported when the
 * file changes, so only those keys count: the user's own keyring plays no part.
 */
export class CommitVerifier {
  private importedMtime = -1;
  private importing: Promise<void> | undefined;

  constructor(private readonly options: { keyringFile: string; gnupgHome: string; repoURL: string }) {}

  /** Checks `sha` in the bare repository `dir` with `git verify-commit --raw`. */
  async check(dir: string, sha: string): Promise<SignatureCheck> {
    await this.ensureKeys();
    const { code, stderr } = await run('git', ['verify-commit', '--raw', sha], {
      cwd: dir,
      env: { GNUPGHOME: this.options.gnupgHome },
    });
    const status = stderr.split('\n').filter((line) => line.startsWith('[GNUPG:] '));
    if (status.length === 0 && code !== 0) {
      return /no signature|not.*signed/i.test(stderr) || stderr.trim() === ''
        ? { status: 'unsigned' }
        : { status: 'bad', message: stderr.trim() };
    }
    const valid = status.find((line) => line.startsWith('[GNUPG:] VALIDSIG '));
    const key = valid?.split(' ')[2];
    if (code === 0 && valid && status.some((line) => line.startsWith('[GNUPG:] GOODSIG ')))
      return { status: 'good', key };
    const reason = status
      .map((line) => line.slice(9).split(' ')[0])
      .find((word) => /^(BADSIG|ERRSIG|EXPSIG|EXPKEYSIG|REVKEYSIG|NO_PUBKEY)$/.test(word!));
    return {
      status: 'bad',
      key,
      message:
        reason === 'NO_PUBKEY' || reason === 'ERRSIG'
          ? 'signed by a key that is not in the keyring'
          : (reason ?? 'signature not valid'),
    };
  }

  private async ensureKeys(): Promise<void> {
    let mtime: number;
    try {
      mtime = (await stat(this.options.keyringFile)).mtimeMs;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new DroverError(
        'DROVER_ERR_GIT_SIGNATURE',
        `keyring for ${redactURL(this.options.repoURL)}: cannot read ${this.options.keyringFile}: ${code}`,
      );
    }
    if (mtime === this.importedMtime) return;
    this.importing ??= this.importKeys(mtime).finally(() => {
      this.importing = undefined;
    });
    await this.importing;
  }

  private async importKeys(mtime: number): Promise<void> {
    await mkdir(this.options.gnupgHome, { recursive: true, mode: 0o700 });
    const { code, stderr } = await run('gpg', ['--batch', '--quiet', '--import', this.options.keyringFile], {
      env: { GNUPGHOME: this.options.gnupgHome },
    });
    if (code !== 0) {
      throw new DroverError(
        'DROVER_ERR_GIT_SIGNATURE',
        `keyring for ${redactURL(this.options.repoURL)}: gpg --import ${this.options.keyringFile} failed: ${stderr.trim()}`,
      );
    }
    this.importedMtime = mtime;
  }
}

/** Refuses a commit that is not signed by a key in the keyring. */
export function requireGoodSignature(check: SignatureCheck | undefined, sha: string, repoURL: string): void {
  if (check?.status === 'good') return;
  const why = !check
    ? 'no keyring is configured for the repository'
    : check.status === 'unsigned'
      ? 'the commit is not signed'
      : `the signature is not valid: ${check.message ?? 'unknown reason'}`;
  throw new DroverError(
    'DROVER_ERR_GIT_SIGNATURE',
    `commit ${sha.slice(0, 12)} in ${redactURL(repoURL)} refused: signed commits are required and ${why}`,
    { revision: sha },
  );
}

function run(
  cmd: string,
  args: string[],
  options: { cwd?: string; env: Record<string, string> },
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      {
        cwd: options.cwd,
        env: { ...process.env, LC_ALL: 'C', GIT_CONFIG_NOSYSTEM: '1', ...options.env },
        timeout: 60_000,
      },
      (error, _stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stderr: String(stderr) });
      },
    );
  });
}
