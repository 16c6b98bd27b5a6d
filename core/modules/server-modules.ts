/**
 * The server side of every flow module in flows/modules.ts, by the same ids: the list the
 * turn pipeline runs (runtime/run-turn.ts).
 */
import { contestServerModule } from './contest.server-module.ts';
import { eventServerModule } from './event.server-module.ts';
import { seminarServerModule } from './seminar.server-module.ts';
import { boothsServerModule } from './booths.server-module.ts';
import { myBookingsServerModule } from './my-bookings.server-module.ts';
import { serverRegistry } from './server-registry.ts';

export const serverModules = serverRegistry([contestServerModule, eventServerModule, seminarServerModule, boothsServerModule, myBookingsServerModule]);
