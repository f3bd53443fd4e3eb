import { DroverError } from '../domain/errors.js';

/**
 * An error answer from Nomad: status, plain-text body and path. The message follows the Go
 * client's wording (`Unexpected response code: N (body)`). It never carries the token: the
 * token travels in a header only, and paths and bodies are Nomad's own.
 */
export class NomadAPIError extends DroverError {
  /** X-Nomad-Index of the answer, when Nomad sent one (a 404 on a blocking read does). */
  lastIndex = 0;

  constructor(
    readonly statusCode: number,
    readonly body: string,
    readonly method: string,
    readonly path: string,
  ) {
    super('DROVER_ERR_NOMAD', `Nomad ${method} ${path}: Unexpected response code: ${statusCode} (${body.trim()})`, {
      status: statusCode,
      path,
    });
    this.name = 'NomadAPIError';
  }

  /** True for Nomad's EnforceIndex check-and-set conflict (answered as 500 with a fixed prefix). */
  get isEnforceIndexConflict(): boolean {
    return this.statusCode === 500 && this.body.includes('Enforcing job modify index');
  }
}

/** Nomad could not be reached (connection refused, TLS failure, timeout...). */
export class NomadNetworkError extends DroverError {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly reason: string,
    cause: unknown,
  ) {
    super('DROVER_ERR_NOMAD', `Nomad ${method} ${path}: ${reason}`, { path }, { cause });
    this.name = 'NomadNetworkError';
  }
}

/** True when `error` is a Nomad answer with this HTTP status. */
export function isNomadStatus(error: unknown, status: number): boolean {
  return error instanceof NomadAPIError && error.statusCode === status;
}
