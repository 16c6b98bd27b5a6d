/**
 * A person in the local console, driven over the console's own HTTP API as the page
 * drives it: a new LINE friend, then every answer of a contest application (the same
 * script as the webhook benchmark's simulated users), each sent once the bot has answered
 * the one before. Ends when the receipt number arrives.
 */
import { applicationAnswers, type Answer } from './simulated-user.ts';

/** One turn's answer, at most; far beyond any turn on a quiet machine. */
const ANSWER_TIMEOUT_MS = 60_000;
const POLL_MS = 50;

interface Button {
  label: string;
  data: string;
}

interface Entry {
  seq: number;
  from: 'user' | 'bot';
  message?: { text?: string; altText?: string; contents?: unknown };
}

/** Runs one application from 「応募」 to the receipt; returns the receipt number. */
export async function applyThroughConsole(base: string, name: string, email: string): Promise<string> {
  const created = await post(base, '/console/api/users', { displayName: name, language: 'ja' }) as { user: { userId: string } };
  const userId = created.user.userId;
  let seen = await waitForBot(base, userId, 0);
  for (const [step, answer] of applicationAnswers(email).entries()) {
    const sent = await send(base, userId, asTap(answer, seen.buttons));
    seen = await waitForBot(base, userId, sent).catch((error: Error) => {
      throw new Error(`${name}, step ${step + 1} (${JSON.stringify(answer)}): ${error.message}`);
    });
  }
  const entries = await transcript(base, userId, 0);
  const receipt = /BC2026-\d{4}/.exec(JSON.stringify(entries.filter((e) => e.from === 'bot').map((e) => e.message)))?.[0];
  if (!receipt) throw new Error(`no receipt number after the application (last seq ${seen.seq}); the bot's last: ${JSON.stringify(entries.at(-1)).slice(0, 600)}`);
  return receipt;
}

/** Asks the staff panel something, as a person at the console would after the applications. */
export async function staffLook(base: string, line: string): Promise<void> {
  await post(base, '/console/api/staff', { role: 'staff', line });
}

async function send(base: string, userId: string, answer: Answer): Promise<number> {
  const body = typeof answer === 'string' ? { path: 'text', payload: { text: answer } } : { path: 'postback', payload: { data: answer.postback, displayText: answer.label } };
  const result = await post(base, `/console/api/users/${userId}/${body.path}`, body.payload) as { entry: { seq: number }; webhookStatus: number };
  if (result.webhookStatus !== 200) throw new Error(`the webhook answered ${result.webhookStatus}`);
  return result.entry.seq;
}

/** A typed answer that is the label of one of the bot's buttons is tapped instead, as a person would. */
function asTap(answer: Answer, buttons: Button[]): Answer {
  if (typeof answer !== 'string') return answer;
  const button = buttons.find((b) => b.label === answer);
  return button ? { postback: button.data, label: button.label } : answer;
}

/** The postback buttons of the bot's newest message (quick replies and template buttons). */
function buttonsOf(entries: Entry[]): Button[] {
  const last = entries.filter((e) => e.from === 'bot').at(-1);
  const found: Button[] = [];
  JSON.stringify(last?.message ?? {}, (_key, value: unknown) => {
    const action = value as { type?: string; label?: string; data?: string };
    if (action && action.type === 'postback' && action.label && action.data) found.push({ label: action.label, data: action.data });
    return value;
  });
  return found;
}

/** Waits for the bot's first message after `after`; returns the newest seq seen and the buttons offered. */
async function waitForBot(base: string, userId: string, after: number): Promise<{ seq: number; buttons: Button[] }> {
  const deadline = Date.now() + ANSWER_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const entries = await transcript(base, userId, after);
    if (entries.some((e) => e.from === 'bot')) return { seq: entries.at(-1)!.seq, buttons: buttonsOf(entries) };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`no answer from the bot within ${ANSWER_TIMEOUT_MS / 1000} s`);
}

async function transcript(base: string, userId: string, after: number): Promise<Entry[]> {
  const response = await fetch(`${base}/console/api/users/${userId}/transcript?after=${after}`);
  if (!response.ok) throw new Error(`transcript: HTTP ${response.status}`);
  return ((await response.json()) as { entries: Entry[] }).entries;
}

async function post(base: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}
