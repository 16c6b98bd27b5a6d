/**
 * Registration for the program's event (DOMAIN.md §3) as a flow module.
 */
import type { FlowModule } from '../engine/module.ts';
import { eventSchema } from './event-config.ts';
import { EVENT_MODULE, type EventTypes } from './event-types.ts';

export const eventModule: FlowModule<typeof EVENT_MODULE, EventTypes> = {
  id: EVENT_MODULE,
  flows: [],
  entries: [],
  menu: [],
  config: eventSchema.optional(),
};
