/**
 * What a staff reply shows, channel-neutral: cards, buttons, a pick list, a form, a file.
 * The staff command layer (bot/staff) answers with these and the staff feed posts them;
 * Discord renders them (render-staff-reply.ts), the console's staff panel as HTML.
 */
export interface StaffButton {
  /** A component id (staff-components.ts); the server re-checks everything it names. */
  id: string;
  label: string;
  style: 'primary' | 'secondary' | 'success' | 'danger';
}

export interface StaffModal {
  id: string;
  title: string;
  inputs: Array<{ id: string; label: string; value?: string; placeholder?: string; required: boolean; multiline: boolean; maxLength: number }>;
}

export interface StaffCard {
  title: string;
  description?: string;
  /** The description quotes what participants wrote: shown as plain text, never as markup. */
  quoted?: boolean;
  /**
   * A conversation, one line per message in order, each with who said it; the text is
   * what a participant (or the bot) wrote: always shown as plain text. Shown after the
   * description, the latest lines kept when room runs out.
   */
  conversation?: Array<{ speaker: string; text: string }>;
  fields: Array<{ name: string; value: string }>;
}

/**
 * Lines to pick one of, e.g. the applications of a list: Discord shows the lines and a
 * select menu of those with a value (at most 25); the console makes those lines
 * clickable. Picking sends the component `id` with `{ value }`, checked on the server
 * like any request.
 */
export interface StaffPick {
  id: string;
  placeholder: string;
  /** A line without a value is shown but cannot be picked (a draft has no receipt number). */
  items: Array<{ value?: string; label: string; description?: string }>;
}

/** A reply for the asker alone (an ephemeral message in Discord). */
export interface StaffReply {
  text?: string;
  card?: StaffCard;
  /** More cards, e.g. one per publication awaiting approval (Discord shows up to 10 embeds). */
  cards?: StaffCard[];
  buttons?: StaffButton[];
  pick?: StaffPick;
  /** A form to fill in instead of a message. */
  modal?: StaffModal;
  /** Posted for everyone where the command was used (e.g. a staff answer, in the handoff's thread). */
  announce?: string;
  /** A file to hand over (the scores CSV, a plan document). */
  file?: { name: string; content: string | Buffer };
}
