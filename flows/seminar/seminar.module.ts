/**
 * Seminar booking (DOMAIN.md §3: three or more seminars, attendees collected per seminar)
 * as a flow module: 「セミナー予約」 lists the seminars with seats left and books one (or
 * joins its waitlist), 「セミナー予約確認」 shows the person's bookings with cancel, leave,
 * accept and decline. The menu offers booking while a seminar is ahead and the person may
 * book, and "my seminars" once they hold a booking. Its facts are the seminars as they
 * stand (staff may change them) and the person's bookings; its section is optional.
 */
import type { FlowModule } from '../engine/module.ts';
import { t } from '../engine/text.ts';
import { answerSeminar } from './seminar-answer.ts';
import { seminarBookingFlow, SEMINAR_FLOW_ID } from './seminar-booking.flow.ts';
import { seminarsSchema } from './seminar-config.ts';
import { seminarCatalog } from './seminar.catalog.ts';
import { SEMINAR_MODULE, type SeminarDeps, type SeminarTypes } from './seminar-types.ts';
import { upcoming } from './seminar-views.ts';

export const seminarModule: FlowModule<typeof SEMINAR_MODULE, SeminarTypes> = {
  id: SEMINAR_MODULE,
  flows: [seminarBookingFlow],
  entries: [
    {
      id: 'seminarBook', flow: SEMINAR_FLOW_ID,
      words: { ja: ['セミナー予約', 'セミナー', 'セミナー申込', 'セミナー申し込み', 'セミナーを予約'], en: ['seminar', 'seminars', 'book a seminar'] },
    },
    {
      id: 'mySeminars', flow: SEMINAR_FLOW_ID,
      words: { ja: ['セミナー予約確認', 'セミナーの予約確認', 'セミナー確認'], en: ['my seminars', 'my seminar'] },
    },
  ],
  menu: [
    { entry: 'seminarBook', order: 50, label: () => t('seminars.menu.book'), when: bookable },
    { entry: 'mySeminars', order: 60, label: () => t('seminars.menu.mine'), when: (deps) => (deps.facts.seminars?.bookings.length ?? 0) > 0 },
  ],
  config: seminarsSchema.optional(),
  catalog: seminarCatalog,
  answer: answerSeminar,
};

/** A seminar is ahead and this person may book. */
function bookable(deps: SeminarDeps): boolean {
  const config = deps.program.seminars;
  const facts = deps.facts.seminars;
  return !!config && !!facts && facts.mayBook && upcoming(config, facts, deps.now).length > 0;
}
