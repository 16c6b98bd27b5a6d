import { commandValue } from '../engine/commands.ts';
import { t } from '../engine/text.ts';
import type { Choice, FlowDeps, FlowMessage, Text } from '../engine/types.ts';

/** The contest's call for applications has closed (its deadline is past). */
export function deadlinePassed(deps: Pick<FlowDeps, 'now' | 'program'>): boolean {
  return deps.now.getTime() > Date.parse(deps.program.contest.deadline);
}

export interface MenuOptions {
  /** Lead with the way to a person (after the bot failed to understand twice). */
  staffFirst?: boolean;
  /** Whether an unfinished application waits, when the caller knows it without the application's facts. */
  draft?: boolean;
}

/**
 * The main menu as quick replies, so the bot always offers a way forward. Once the
 * application deadline has passed, "apply" is no longer offered; during a conversation
 * with staff, "talk to staff" becomes "end the chat with staff".
 */
export function mainMenu(deps: FlowDeps, lead: Text = t('menu.prompt'), options: MenuOptions = {}): FlowMessage {
  const draft = options.draft ?? deps.application?.status === 'draft';
  const closed = deadlinePassed(deps);
  const staff: Choice = deps.handoffOpen
    ? { label: t('menu.endHandoff'), value: commandValue({ name: 'endHandoff' }) }
    : { label: t('menu.staff'), value: commandValue({ name: 'staff' }) };
  const choices: Choice[] = [
    ...(closed ? [] : [{ label: t(draft ? 'menu.continue' : 'menu.apply'), value: commandValue({ name: 'apply' }) }]),
    { label: t('menu.myApplication'), value: commandValue({ name: 'review' }) },
    { label: t('menu.help'), value: commandValue({ name: 'help' }) },
    staff,
    {
      label: t('menu.language'),
      value: commandValue({ name: 'language', language: deps.language === 'ja' ? 'en' : 'ja' }),
    },
  ];
  if (options.staffFirst) choices.unshift(...choices.splice(choices.indexOf(staff), 1));
  return { type: 'text', text: lead, choices };
}
