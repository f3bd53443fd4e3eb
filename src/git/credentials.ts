import { readFileSync } from 'node:fs';
import { DroverError } from '../domain/errors.js';
import { isHTTPURL, isSSHURL, redactURL } from './url.js';

/** Where a secret comes from: a file (read on every use, so rotation needs no restart) or an environment variable. */
export type SecretSource = { file: string } | { env: string };

/**
 * How to authenticate to one repository. Only the places secrets live are kept here, never
 * the secrets themselves, so a config object can be logged or stored safely.
 */
export type GitCredentials = {
  /** HTTPS user name; defaults to "git" when only a token is given (GitHub, GitLab, Gitea accept any). */
  username?: string;
  /** HTTPS token or password. */
  password?: SecretSource;
  /** SSH private key file (unencrypted, or usable without a passphrase). */
  sshKeyFile?: string;
  /** known_hosts file for SSH; host keys are checked strictly against it. */
  knownHostsFile?: string;
  /** Accept any SSH host key. Off by default; only for tests or trusted networks. */
  insecureIgnoreHostKey?: boolean;
};

/** What a git child needs to authenticate: extra environment, and the secret values to redact from its errors. */
export type GitAuth = { env: Record<string, string>; secrets: string[] };

/**
 * The credential helper git runs for HTTPS: it answers `get` from environment variables, so
 * the secret is neither in a URL, on a command line, nor in a file, and only for the
 * repository's own host, so a redirect elsewhere never receives it.
 */
const HELPER = [
  '!f() { test "$1" = get || return 0; h=;',
  'while IFS= read -r l; do test -z "$l" && break; case "$l" in host=*) h="${l#host=}";; esac; done;',
  'test "$h" = "$DROVER_GIT_HOST" && printf \'username=%s\\npassword=%s\\n\' "$DROVER_GIT_USERNAME" "$DROVER_GIT_PASSWORD"; }; f',
].join(' ');

/** Builds the environment that makes git authenticate to `url` with `credentials`. */
export function gitAuth(url: string, credentials: GitCredentials | undefined): GitAuth {
  // SSH always runs batch-mode with strict host keys, whether or not a key is configured.
  if (isSSHURL(url)) return { env: sshEnv(credentials ?? {}), secrets: [] };
  if (isHTTPURL(url) && credentials?.password) {
    const password = readSecret(credentials.password, url);
    return {
      env: {
        GIT_CONFIG_COUNT: '2',
        GIT_CONFIG_KEY_0: 'credential.helper',
        GIT_CONFIG_VALUE_0: '',
        GIT_CONFIG_KEY_1: 'credential.helper',
        GIT_CONFIG_VALUE_1: HELPER,
        DROVER_GIT_HOST: new URL(url).host,
        DROVER_GIT_USERNAME: credentials.username ?? 'git',
        DROVER_GIT_PASSWORD: password,
      },
      secrets: [password],
    };
  }
  return { env: {}, secrets: [] };
}

function sshEnv(credentials: GitCredentials): Record<string, string> {
  const args = ['ssh', '-F', '/dev/null', '-o', 'BatchMode=yes'];
  if (credentials.sshKeyFile)
    args.push('-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-i', credentials.sshKeyFile);
  if (credentials.insecureIgnoreHostKey) {
    args.push('-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR');
  } else {
    args.push('-o', 'StrictHostKeyChecking=yes');
    if (credentials.knownHostsFile)
      args.push('-o', `UserKnownHostsFile=${credentials.knownHostsFile}`, '-o', 'GlobalKnownHostsFile=/dev/null');
  }
  return { GIT_SSH_COMMAND: args.map(shellQuote).join(' '), GIT_SSH_VARIANT: 'ssh' };
}

/** Reads a secret at the moment it is needed; the error names where, never what. */
export function readSecret(source: SecretSource, url: string): string {
  if ('env' in source) {
    const value = process.env[source.env];
    if (value === undefined || value === '') {
      throw new DroverError(
        'DROVER_ERR_GIT',
        `credentials for ${redactURL(url)}: environment variable ${source.env} is not set`,
        { repo: redactURL(url) },
      );
    }
    return value.trim();
  }
  try {
    return readFileSync(source.file, 'utf8').trim();
  } catch (error) {
    throw new DroverError(
      'DROVER_ERR_GIT',
      `credentials for ${redactURL(url)}: cannot read ${source.file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      { repo: redactURL(url) },
    );
  }
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
