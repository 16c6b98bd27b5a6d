/**
 * What a log line says about an error: its class and its code (a PostgreSQL SQLSTATE, a
 * Node system error code) or HTTP status, never its message — messages can quote the
 * values involved (a unique violation names the key it collided on), which may be personal.
 *
 * @example
 * logger.error({ err: errorFields(error), webhookEventIds }, 'storing webhook events failed');
 * // {"err":{"class":"DatabaseError","code":"22P05"}, …}
 */
export function errorFields(error: unknown): { class: string; code?: string; status?: number } {
  if (typeof error !== 'object' || error === null) return { class: typeof error };
  const { code, status } = error as { code?: unknown; status?: unknown };
  const named = error.constructor?.name && error.constructor.name !== 'Object' ? error.constructor.name : (error as { name?: unknown }).name;
  return {
    class: typeof named === 'string' && SAFE_WORD.test(named) ? named : 'unknown',
    ...(typeof code === 'string' && SAFE_WORD.test(code) ? { code } : {}),
    ...(typeof status === 'number' && Number.isInteger(status) ? { status } : {}),
  };
}

/** Class names and codes are identifiers; anything else is not printed. */
const SAFE_WORD = /^[A-Za-z0-9_.-]{1,64}$/;
