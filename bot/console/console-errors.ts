/** Why the console refused what the page asked; the route maps each code to an HTTP status. */
export type ConsoleErrorCode = 'unknown-user' | 'blocked' | 'not-unsendable';

export class ConsoleError extends Error {
  override name = 'ConsoleError';
  constructor(readonly code: ConsoleErrorCode, message: string) {
    super(message);
  }
}

export const CONSOLE_ERROR_STATUS: Record<ConsoleErrorCode, number> = {
  'unknown-user': 404,
  'blocked': 409,
  'not-unsendable': 404,
};
