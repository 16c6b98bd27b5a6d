/**
 * A person in the local console, driven over the console's own HTTP API as the page
 * drives it: a new LINE friend, then every answer of a contest application (the same
 * script as the webhook benchmark's simulated users), each sent once the bot has answered
 * the one before. Ends when the receipt number arrives.
 */
import { actionsIn, postToConsole, transcriptAfter, waitForBot, type ConsoleEntry } from '../../bot/console/console-client.ts';
import { applicationAnswers, type Answer } from './simulated-user.ts';

interface Button {
  label: string;
  data: string;
}

/** Runs one application from 「応募」 to the receipt; returns the receipt number. */
export async function applyThroughConsole(base: string, name: string, email: string): Promise<string> {
  const created = await postToConsole(base, '/console/api/users', { displayName: name, language: 'ja' }) as { user: { userId: string } };
  const userId = created.user.userId;
  let seen = await waitForBot(base, userId, 0);
  for (const [step, answer] of applicationAnswers(email).entries()) {
    const sent = await send(base, userId, asTap(answer, buttonsOf(seen)));
    seen = await waitForBot(base, userId, sent).catch((error: Error) => {
      throw new Error(`${name}, step ${step + 1} (${JSON.stringify(answer)}): ${error.message}`);
    });
  }
  const entries = await transcriptAfter(base, userId, 0);
  const receipt = /BC2026-\d{4}/.exec(JSON.stringify(entries.filter((e) => e.from === 'bot').map((e) => e.message)))?.[0];
  if (!receipt) throw new Error(`no receipt number after the application (last seq ${seen.at(-1)!.seq}); the bot's last: ${JSON.stringify(entries.at(-1)).slice(0, 600)}`);
  return receipt;
}

/** Asks the staff panel something, as a person at the console would after the applications. */
export async function staffLook(base: string, line: string): Promise<void> {
  await postToConsole(base, '/console/api/staff', { role: 'staff', line });
}

async function send(base: string, userId: string, answer: Answer): Promise<number> {
  const body = typeof answer === 'string' ? { path: 'text', payload: { text: answer } } : { path: 'postback', payload: { data: answer.postback, displayText: answer.label } };
  const result = await postToConsole(base, `/console/api/users/${userId}/${body.path}`, body.payload) as { entry: { seq: number }; webhookStatus: number };
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
function buttonsOf(entries: ConsoleEntry[]): Button[] {
  const last = entries.filter((e) => e.from === 'bot').at(-1);
  return actionsIn(last?.message).flatMap((a) => (a.type === 'postback' && a.label && a.data ? [{ label: a.label, data: a.data }] : []));
}
