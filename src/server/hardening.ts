import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { DroverError } from '../domain/errors.js';

/** The default largest request body outside the webhook route (which has `webhook_max_body_bytes`). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Security headers on every answer: a CSP that allows only Drover's own scripts and styles
 * (no inline script, no framing), nosniff, no referrer, DENY framing; HSTS only over TLS,
 * where it means something. No CORS header is ever sent, so browsers keep other origins out.
 */
export function securityHeaders(options: { tls: boolean }): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      connectSrc: ["'self'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    referrerPolicy: 'no-referrer',
    xFrameOptions: 'DENY',
    strictTransportSecurity: options.tls ? 'max-age=31536000' : false,
  });
}

/**
 * Refuses bodies over `maxBytes` with 413: a larger Content-Length before a byte is read, a
 * chunked body as soon as it passes the limit, so a huge upload never sits in memory.
 * `except` lists paths with their own limit (the webhook).
 */
export function requestBodyLimit(maxBytes: number, except: readonly string[] = []): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new DroverError(
        'DROVER_ERR_PAYLOAD_TOO_LARGE',
        `request body is larger than the limit of ${maxBytes} bytes (max_body_bytes)`,
      );
    },
  });
  return (c, next) => (except.includes(c.req.path) ? next() : limit(c, next));
}
