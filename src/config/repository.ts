import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { DroverError } from '../domain/errors.js';
import type { GitCredentials, SecretSource } from '../git/credentials.js';
import type { RepositoryConfig } from './config.js';
import type { ConfigFile } from './schema.js';

type RepositoryBlock = ConfigFile['repository'][string];

/**
 * The credential, webhook, keyring and limit settings of one repository block. File paths
 * are made absolute and checked readable now, so a typo fails at startup with the field named;
 * the secrets themselves are read only when used.
 */
export function repositoryExtras(
  name: string,
  repo: RepositoryBlock,
  baseDir: string,
  file: string,
): Omit<RepositoryConfig, 'name' | 'url' | 'pollIntervalMs'> {
  checkURLHasNoSecret(repo.url, `repository.${name}.url`, file);
  const path = (key: keyof RepositoryBlock): string | undefined => {
    const value = repo[key];
    if (typeof value !== 'string') return undefined;
    const full = resolve(baseDir, value);
    try {
      accessSync(full, constants.R_OK);
    } catch (error) {
      throw new DroverError(
        'DROVER_ERR_CONFIG',
        `${file}: repository.${name}.${key}: cannot read ${full}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
        { file },
      );
    }
    return full;
  };
  const secret = (fileKey: keyof RepositoryBlock, envKey: keyof RepositoryBlock): SecretSource | undefined => {
    const fromFile = path(fileKey);
    if (fromFile) return { file: fromFile };
    const env = repo[envKey];
    return typeof env === 'string' ? { env } : undefined;
  };
  const credentials: GitCredentials = {
    username: repo.username,
    password: secret('token_file', 'token_env') ?? secret('password_file', 'password_env'),
    sshKeyFile: path('ssh_key_file'),
    knownHostsFile: path('known_hosts_file'),
    insecureIgnoreHostKey: repo.ssh_insecure_ignore_host_key || undefined,
  };
  const limits = { maxFileBytes: repo.max_file_bytes, maxTotalBytes: repo.max_snapshot_bytes };
  return {
    credentials: dropUndefined(credentials),
    webhookSecret: secret('webhook_secret_file', 'webhook_secret_env'),
    keyringFile: path('keyring_file'),
    limits: dropUndefined(limits),
  };
}

/** Refuses a URL carrying a password or token: git would show it in process lists and could echo it. */
export function checkURLHasNoSecret(url: string, field: string, file: string): void {
  if (URL.canParse(url) && new URL(url).password) {
    throw new DroverError(
      'DROVER_ERR_CONFIG',
      `${file}: ${field}: the URL contains a password or token; use token_file, token_env, password_file or password_env instead`,
      { file },
    );
  }
}

/** An app may require signed commits only when its repository has a keyring to check them against. */
export function checkSignedCommits(app: string, repo: RepositoryConfig | undefined, file: string): void {
  if (repo?.keyringFile) return;
  const where = repo
    ? `repository "${repo.name}" has no keyring_file`
    : 'it uses "url"; declare a repository block with keyring_file';
  throw new DroverError('DROVER_ERR_CONFIG', `${file}: app.${app}.require_signed_commits: ${where}`, { file });
}

function dropUndefined<T extends object>(value: T): T | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as T);
}
