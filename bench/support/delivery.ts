/** What the fake LINE platform tells the load generator about each message the bot delivered. */

/** How a delivered answer reads, judged from the text the bot sent. */
export type DeliveryKind = 'submitted' | 'error' | 'reprompt' | 'ok';

/** `[userId, via, kind]`; the fake sends these in batches, one per event-loop turn. */
export type Delivery = [userId: string, via: 'reply' | 'push', kind: DeliveryKind];
