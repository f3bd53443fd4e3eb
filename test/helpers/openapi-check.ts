import type { z } from 'zod';
import { ERRORS, type ErrorCode } from '../../src/domain/errors.js';
import { AUTH_ERRORS, COMMON_ERRORS, findRoute } from '../../src/server/openapi.js';
import { errorBody } from '../../src/server/schemas.js';

/** Key paths present in `original` that schema parsing dropped: fields the schema does not document. */
function undocumented(original: unknown, parsed: unknown, at = ''): string[] {
  if (Array.isArray(original) && Array.isArray(parsed))
    return original.flatMap((item, i) => undocumented(item, parsed[i], `${at}[${i}]`));
  if (!original || typeof original !== 'object' || !parsed || typeof parsed !== 'object') return [];
  return Object.entries(original).flatMap(([key, value]) =>
    key in parsed ? undocumented(value, (parsed as Record<string, unknown>)[key], `${at}.${key}`) : [`${at}.${key}`],
  );
}

function check(schema: z.ZodType, body: unknown, where: string): void {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`${where}: the answer does not match its OpenAPI schema: ${issues}`);
  }
  const extra = undocumented(body, parsed.data);
  if (extra.length > 0)
    throw new Error(`${where}: the answer has fields its OpenAPI schema lacks: ${extra.join(', ')}`);
}

/**
 * Fails when an API answer does not match the OpenAPI document: an undocumented route or
 * status, a body that breaks its schema or carries undocumented fields, or an error code the
 * route does not list.
 */
export function checkResponse(method: string, url: string, status: number, body: unknown): void {
  const path = new URL(url, 'http://x').pathname;
  const where = `${method} ${path} ${status}`;
  const route = findRoute(method, path);
  if (!route) throw new Error(`${where}: no documented route`);
  const answer = route.responses[status];
  if (answer?.schema) return check(answer.schema, body, where);
  if (answer) return;
  if (status < 400) throw new Error(`${where}: undocumented status`);
  check(errorBody, body, where);
  const code = (body as { error: { code: string } }).error.code as ErrorCode;
  // Body limits and a failed store apply to every route; other errors must be listed.
  const authErrors = route.role === 'public' ? [] : AUTH_ERRORS;
  if (COMMON_ERRORS.includes(code) || route.errors?.includes(code) || authErrors.includes(code)) return;
  if (ERRORS[code]?.status !== status) throw new Error(`${where}: ${code} answered with the wrong status`);
  throw new Error(`${where}: ${code} is not among the route's documented errors`);
}
