/**
 * The business-plan contest as a flow module: 「応募」 starts the application and
 * 「応募内容」 shows it; the menu offers "apply" (or "continue") until the deadline and
 * "my application" always. Its facts are the participant's application.
 */
import type { FlowModule } from '../engine/module.ts';
import { t } from '../engine/text.ts';
import { answerContest, CONTEST_FLOW_ID, contestApplicationFlow, deadlinePassed } from './contest-application.flow.ts';
import { contestCatalog } from './contest.catalog.ts';
import { contestSchema } from './contest-config.ts';
import { CONTEST_MODULE, type ContestTypes } from './contest-types.ts';

export const contestModule: FlowModule<typeof CONTEST_MODULE, ContestTypes> = {
  id: CONTEST_MODULE,
  flows: [contestApplicationFlow],
  entries: [
    { id: 'apply', flow: CONTEST_FLOW_ID, words: { ja: ['応募', '応募する', '応募を再開', 'エントリー'], en: ['apply', 'continue applying'] } },
    { id: 'review', flow: CONTEST_FLOW_ID, words: { ja: ['応募内容', '応募内容の確認', '応募状況', 'マイページ'], en: ['my application', 'status'] } },
  ],
  menu: [
    {
      entry: 'apply',
      order: 10,
      label: (deps) => t(deps.facts.contest?.status === 'draft' ? 'menu.continue' : 'menu.apply'),
      when: (deps) => !deadlinePassed(deps),
    },
    { entry: 'review', order: 20, label: () => t('menu.myApplication') },
  ],
  config: contestSchema,
  catalog: contestCatalog,
  answer: answerContest,
};
