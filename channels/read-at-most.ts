/**
 * Reads a response body up to a limit and stops there: a file over the limit is never
 * downloaded whole (LINE's data API, Discord's CDN).
 */

/**
 * The body's bytes, or `too-large` (the download cancelled) once more than `maxBytes` arrived.
 *
 * @example
 * const content = await readAtMost(response.body, rule.maxBytes);
 */
export async function readAtMost(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Buffer | 'too-large'> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      return 'too-large';
    }
    chunks.push(value);
  }
}
