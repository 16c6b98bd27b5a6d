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
import { actionsIn, postToConsole, waitForBot, type ConsoleAction } from '../../bot/console/console-client.ts';
import type { DemoAction, DemoApplicant } from './demo-applicants.ts';

/** A one-page PDF: the plan document one applicant sends. */
const SAMPLE_PLAN = join(PROJECT_ROOT, 'cli', 'demo', 'sample-plan.pdf');

/** Runs one person's script from the first follow to the last answer. */
export async function actInConsole(base: string, applicant: DemoApplicant): Promise<void> {
  const created = await postToConsole(base, '/console/api/users', { displayName: applicant.displayName, language: 'ja' }) as { user: { userId: string } };
  const userId = created.user.userId;
  let answer = await waitForBot(base, userId, 0);
  for (const [index, action] of applicant.actions.entries()) {
    const offered = answer.filter((entry) => entry.from === 'bot').flatMap((entry) => actionsIn(entry.message));
    const seq = await perform(base, userId, action, offered, () => `${applicant.displayName}, step ${index + 1} (${JSON.stringify(action)})`);
    answer = await waitForBot(base, userId, seq);
  }
}

async function perform(base: string, userId: string, action: DemoAction, offered: ConsoleAction[], where: () => string): Promise<number> {
  const path = `/console/api/users/${userId}`;
  if ('text' in action) return sent(await postToConsole(base, `${path}/text`, { text: action.text }));
  if ('file' in action) {
    const base64 = readFileSync(SAMPLE_PLAN).toString('base64');
    return sent(await postToConsole(base, `${path}/file`, { fileName: '事業計画書.pdf', contentType: 'application/pdf', base64 }));
  }
  const button = 'choose' in action
    ? offered.find((a) => a.type === 'postback' && a.data === `c:${action.choose}`)
    : offered.find((a) => a.type === 'datetimepicker');
  if (!button?.data) throw new ConfigError(`the demo script no longer matches the application flow: no such button at ${where()}`);
  const body = 'date' in action ? { data: button.data, params: { date: action.date } } : { data: button.data, displayText: button.label };
  return sent(await postToConsole(base, `${path}/postback`, body));
}

function sent(result: unknown): number {
  const { entry, webhookStatus } = result as { entry: { seq: number }; webhookStatus: number };
  if (webhookStatus !== 200) throw new Error(`the bot's webhook answered ${webhookStatus}`);
  return entry.seq;
}
