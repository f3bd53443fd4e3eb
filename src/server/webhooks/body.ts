import { DroverError } from '../../domain/errors.js';

/**
 * Reads a request body of at most `maxBytes`: a larger Content-Length is refused before a
 * byte is read, and a body without one is cut off as soon as it passes the limit.
 */
export async function readLimitedBody(request: Request, maxBytes: number): Promise<Buffer> {
  const tooLarge = () =>
    new DroverError(
      'DROVER_ERR_PAYLOAD_TOO_LARGE',
      `request body is larger than the limit of ${maxBytes} bytes (webhook_max_body_bytes)`,
    );
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
