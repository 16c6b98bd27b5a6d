/**
 * Acts as a person in the console, over the console's own HTTP API (the page's way in):
 * every action becomes the webhook LINE would send, and each waits for the bot's answer.
 * Buttons are tapped by their value, so wording may change without breaking a script;
 * a button that is not offered means the script and the flow disagree, and says where.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../core/config-error.ts';
import { PROJECT_ROOT } from '../../core/project-root.ts';
import type { DemoAction, DemoApplicant } from './demo-applicants.ts';

/** A one-page PDF: the plan document one applicant sends. */
const SAMPLE_PLAN = join(PROJECT_ROOT, 'cli', 'demo', 'sample-plan.pdf');
const ANSWER_TIMEOUT_MS = 60_000;
const POLL_MS = 50;

interface Entry {
  seq: number;
  from: 'user' | 'bot';
  message?: unknown;
}

interface Action {
  type?: string;
  label?: string;
  data?: string;
}

/** Runs one person's script from the first follow to the last answer. */
export async function actInConsole(base: string, applicant: DemoApplicant): Promise<void> {
  const created = await post(base, '/console/api/users', { displayName: applicant.displayName, language: 'ja' }) as { user: { userId: string } };
  const userId = created.user.userId;
  let answer = await waitForBot(base, userId, 0);
  for (const [index, action] of applicant.actions.entries()) {
    const seq = await perform(base, userId, action, answer.actions, () => `${applicant.displayName}, step ${index + 1} (${JSON.stringify(action)})`);
    answer = await waitForBot(base, userId, seq);
  }
}

async function perform(base: string, userId: string, action: DemoAction, offered: Action[], where: () => string): Promise<number> {
  const path = `/console/api/users/${userId}`;
  if ('text' in action) return sent(await post(base, `${path}/text`, { text: action.text }));
  if ('file' in action) {
    const base64 = readFileSync(SAMPLE_PLAN).toString('base64');
    return sent(await post(base, `${path}/file`, { fileName: '事業計画書.pdf', contentType: 'application/pdf', base64 }));
  }
  const button = 'choose' in action
    ? offered.find((a) => a.type === 'postback' && a.data === `c:${action.choose}`)
    : offered.find((a) => a.type === 'datetimepicker');
  if (!button?.data) throw new ConfigError(`the demo script no longer matches the application flow: no such button at ${where()}`);
  const body = 'date' in action ? { data: button.data, params: { date: action.date } } : { data: button.data, displayText: button.label };
  return sent(await post(base, `${path}/postback`, body));
}

function sent(result: unknown): number {
  const { entry, webhookStatus } = result as { entry: { seq: number }; webhookStatus: number };
  if (webhookStatus !== 200) throw new Error(`the bot's webhook answered ${webhookStatus}`);
  return entry.seq;
}

/** Waits for the bot's answer after `after`; returns the newest seq and every button it offered. */
async function waitForBot(base: string, userId: string, after: number): Promise<{ seq: number; actions: Action[] }> {
  const deadline = Date.now() + ANSWER_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const response = await fetch(`${base}/console/api/users/${userId}/transcript?after=${after}`);
    const { entries } = (await response.json()) as { entries: Entry[] };
    if (entries.some((entry) => entry.from === 'bot')) {
      return { seq: entries.at(-1)!.seq, actions: entries.filter((entry) => entry.from === 'bot').flatMap((entry) => actionsIn(entry.message)) };
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`no answer from the bot within ${ANSWER_TIMEOUT_MS / 1000} s`);
}

/** Every action object anywhere in a message: quick replies, template and flex buttons. */
function actionsIn(message: unknown): Action[] {
  const found: Action[] = [];
  JSON.stringify(message ?? {}, (_key, value: unknown) => {
    const candidate = value as Action;
    if (candidate && typeof candidate === 'object' && (candidate.type === 'postback' || candidate.type === 'datetimepicker')) found.push(candidate);
    return value;
  });
  return found;
}

async function post(base: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}
