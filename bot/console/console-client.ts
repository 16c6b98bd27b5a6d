/**
 * A program acting as a person in the console, over the console's own HTTP API (the
 * page's way in): `ouen demo` and the local-mode benchmark. Every action becomes the
 * webhook LINE would send; `waitForBot` waits for the bot's answer to it.
 */

/** One turn's answer, at most; far beyond any turn on a quiet machine. */
const ANSWER_TIMEOUT_MS = 60_000;
const POLL_MS = 50;

/** A line of a console chat, as the transcript API returns it. */
export interface ConsoleEntry {
  seq: number;
  from: 'user' | 'bot';
  message?: unknown;
}

/** A button the bot offered (a quick reply, a template or flex button, a date picker). */
export interface ConsoleAction {
  type?: string;
  label?: string;
  data?: string;
}

/** POSTs JSON to the console as the page does (same origin); throws on anything but 2xx. */
export async function postToConsole(base: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** The chat's lines after `after` (a seq). */
export async function transcriptAfter(base: string, userId: string, after: number): Promise<ConsoleEntry[]> {
  const response = await fetch(`${base}/console/api/users/${userId}/transcript?after=${after}`);
  if (!response.ok) throw new Error(`transcript: HTTP ${response.status}`);
  return ((await response.json()) as { entries: ConsoleEntry[] }).entries;
}

/** Waits for the bot's first message after `after`; returns every line since, up to the newest. */
export async function waitForBot(base: string, userId: string, after: number): Promise<ConsoleEntry[]> {
  const deadline = Date.now() + ANSWER_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const entries = await transcriptAfter(base, userId, after);
    if (entries.some((entry) => entry.from === 'bot')) return entries;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`no answer from the bot within ${ANSWER_TIMEOUT_MS / 1000} s`);
}

/** Every action object anywhere in a message: quick replies, template and flex buttons. */
export function actionsIn(message: unknown): ConsoleAction[] {
  const found: ConsoleAction[] = [];
  JSON.stringify(message ?? {}, (_key, value: unknown) => {
    const candidate = value as ConsoleAction;
    if (candidate && typeof candidate === 'object' && (candidate.type === 'postback' || candidate.type === 'datetimepicker')) found.push(candidate);
    return value;
  });
  return found;
}
