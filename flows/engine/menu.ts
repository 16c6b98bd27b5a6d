import { commandValue } from './commands.ts';
import type { Registry } from './registry.ts';
import { t } from './text.ts';
import type { Choice, FlowDeps, FlowMessage, Text } from './types.ts';

export interface MenuOptions {
  /** Lead with the way to a person (after the bot failed to understand twice). */
  staffFirst?: boolean;
}

/**
 * The main menu as quick replies, so the bot always offers a way forward: the modules'
 * buttons that apply now (each module says when, e.g. "apply" only before the deadline),
 * then help, staff and language. During a conversation with staff, "talk to staff"
 * becomes "end the chat with staff".
 */
export function mainMenu(registry: Registry, deps: FlowDeps, lead: Text = t('menu.prompt'), options: MenuOptions = {}): FlowMessage {
  const modules: Choice[] = registry.menu
    .filter((item) => item.when?.(deps) ?? true)
    .map((item) => ({ label: item.label(deps), value: commandValue({ name: 'enter', entry: item.entry }) }));
  const staff: Choice = deps.handoffOpen
    ? { label: t('menu.endHandoff'), value: commandValue({ name: 'endHandoff' }) }
    : { label: t('menu.staff'), value: commandValue({ name: 'staff' }) };
  const choices: Choice[] = [
    ...modules,
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
