/**
 * 「予約確認」 / "my bookings" (issue 11 §3) as a flow module: the person's event
 * registration with its ticket (or waitlist place), seminar bookings and consultations
 * in one answer, each with the owning module's cancel / change buttons. It books and
 * cancels nothing itself. Its facts come from its own loader (one statement per batch
 * over the three tables, core/bookings/my-bookings-facts.ts), because a module's flows
 * see only their own facts. The menu offers it once the person holds anything.
 */
import type { FlowModule } from '../engine/module.ts';
import { t } from '../engine/text.ts';
import { z } from 'zod';
import { myBookingsCatalog } from './my-bookings.catalog.ts';
import { MY_BOOKINGS_FLOW_ID, myBookingsFlow } from './my-bookings.flow.ts';
import { MY_BOOKINGS_MODULE, type MyBookingsTypes } from './my-bookings-types.ts';
import { current } from './my-bookings-view.ts';

export const myBookingsModule: FlowModule<typeof MY_BOOKINGS_MODULE, MyBookingsTypes> = {
  id: MY_BOOKINGS_MODULE,
  flows: [myBookingsFlow],
  entries: [{
    id: 'myBookings', flow: MY_BOOKINGS_FLOW_ID,
    words: {
      ja: ['予約確認', '予約の確認', '予約一覧', '予約状況', 'マイ予約', '自分の予約', '予約を確認'],
      en: ['my bookings', 'my booking', 'bookings', 'my reservations', 'reservations'],
    },
  }],
  menu: [{ entry: 'myBookings', order: 35, label: () => t('my-bookings.menu'), when: (deps) => current(deps.facts['my-bookings'], deps.now) !== null }],
  // The module has no section of its own: it reads the event's, the seminars' and the booths'.
  config: z.undefined().optional(),
  catalog: myBookingsCatalog,
};
