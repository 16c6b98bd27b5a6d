/**
 * Consultations at the event's support booths (DOMAIN.md §3) as a flow module:
 * 「相談予約」 books one (booth, free time, a short intake, confirmation), 「相談予約確認」
 * lists the person's consultations with cancel and move buttons. The menu offers booking
 * while the person may book and a time is left, and the list once they hold one. Its
 * facts are the person's consultations, whether they may book, and the free places; its
 * section (`booths`) is optional, so a program without booths loads and shows neither.
 */
import type { FlowModule } from '../engine/module.ts';
import { t } from '../engine/text.ts';
import { answerBooths } from './consult-answer.ts';
import { CONSULT_FLOW_ID } from './consult-ask.ts';
import { bookingOpen, heldCount } from './consult-availability.ts';
import { boothsSchema } from './consult-config.ts';
import { boothsCatalog } from './consult.catalog.ts';
import { consultFlow } from './consult.flow.ts';
import { BOOTHS_MODULE, type BoothsDeps, type BoothsTypes } from './consult-types.ts';

export const boothsModule: FlowModule<typeof BOOTHS_MODULE, BoothsTypes> = {
  id: BOOTHS_MODULE,
  flows: [consultFlow],
  entries: [
    {
      id: 'consult', flow: CONSULT_FLOW_ID,
      words: { ja: ['相談予約', '個別相談', '個別相談の予約', 'ブース相談', '相談ブース'], en: ['consult', 'consultation', 'book a consultation'] },
    },
    {
      id: 'myConsultations', flow: CONSULT_FLOW_ID,
      words: { ja: ['相談予約確認', '相談予約の確認', '相談の予約確認'], en: ['my consultations', 'my consultation'] },
    },
  ],
  menu: [
    { entry: 'consult', order: 50, label: () => t('booths.menu.book'), when: mayBook },
    { entry: 'myConsultations', order: 55, label: () => t('booths.menu.mine'), when: (deps) => (deps.facts.booths?.consultations.length ?? 0) > 0 },
  ],
  config: boothsSchema.optional(),
  catalog: boothsCatalog,
  answer: answerBooths,
};

function mayBook(deps: BoothsDeps): boolean {
  const config = deps.program.booths;
  const facts = deps.facts.booths;
  if (!config || !facts?.eligible) return false;
  return heldCount(facts) < config.settings.perPersonLimit && bookingOpen(config, deps.now);
}
