import type { Context } from 'hono';
import type { z } from 'zod';
import { DroverError } from '../domain/errors.js';

/** Parses an optional JSON body against a schema; errors name the field. */
export async function body<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  const text = await c.req.text();
  let value: unknown = {};
  if (text.trim() !== '') {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new DroverError('DROVER_ERR_BAD_REQUEST', `request body is not JSON: ${(error as Error).message}`);
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new DroverError(
      'DROVER_ERR_BAD_REQUEST',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  }
  return parsed.data;
}
