import { commandValue } from '../engine/commands.ts';
import { t } from '../engine/text.ts';
import type { Choice, FlowDeps, FlowMessage, Text } from '../engine/types.ts';

/** The main menu as quick replies, so the bot always offers a way forward. */
export function mainMenu(deps: FlowDeps, lead: Text = t('menu.prompt')): FlowMessage {
  const draft = deps.application?.status === 'draft';
  const choices: Choice[] = [
    { label: t(draft ? 'menu.continue' : 'menu.apply'), value: commandValue({ name: 'apply' }) },
    { label: t('menu.myApplication'), value: commandValue({ name: 'review' }) },
    { label: t('menu.help'), value: commandValue({ name: 'help' }) },
    { label: t('menu.staff'), value: commandValue({ name: 'staff' }) },
    {
      label: t('menu.language'),
      value: commandValue({ name: 'language', language: deps.language === 'ja' ? 'en' : 'ja' }),
    },
  ];
  return { type: 'text', text: lead, choices };
}
