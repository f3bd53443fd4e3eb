import type { NomadClientOptions } from './client.js';

/**
 * Client options from Nomad's own environment variables, as the `nomad` CLI reads them:
 * NOMAD_ADDR (default http://127.0.0.1:4646), NOMAD_TOKEN, NOMAD_NAMESPACE, NOMAD_REGION,
 * NOMAD_CACERT, NOMAD_CLIENT_CERT, NOMAD_CLIENT_KEY, NOMAD_TLS_SERVER_NAME, NOMAD_SKIP_VERIFY.
 * Values in `overrides` win over the environment.
 */
export function nomadOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<NomadClientOptions> = {},
): NomadClientOptions {
  const tls = {
    caCert: env.NOMAD_CACERT || undefined,
    clientCert: env.NOMAD_CLIENT_CERT || undefined,
    clientKey: env.NOMAD_CLIENT_KEY || undefined,
    serverName: env.NOMAD_TLS_SERVER_NAME || undefined,
    skipVerify: parseBool(env.NOMAD_SKIP_VERIFY),
  };
  const anyTls = Object.values(tls).some((value) => value);
  return {
    address: env.NOMAD_ADDR || 'http://127.0.0.1:4646',
    token: env.NOMAD_TOKEN || undefined,
    namespace: env.NOMAD_NAMESPACE || undefined,
    region: env.NOMAD_REGION || undefined,
    ...(anyTls ? { tls: { ...tls, ...overrides.tls } } : {}),
    ...withoutUndefined(overrides),
  };
}

function parseBool(value: string | undefined): boolean {
  return value !== undefined && ['1', 't', 'true', 'yes'].includes(value.toLowerCase());
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
