/**
 * The program file's `richMenu` section: which buttons each stage's menu has, the chat
 * bar's text, colours, and when the program is over (everyone who took part becomes
 * alumni). Every field has a default, so program files written before it load unchanged.
 *
 * A button names what it sends: a flow module's entry id (`apply`, `review`, `register`,
 * `myRegistration`, …) or one of the engine's words (`menu`, `help`, `staff`); its label
 * comes from the catalog unless the file gives one.
 */
import { z } from 'zod';
import { RICH_MENU_STAGES, type RichMenuStage } from './participant-stage.ts';

const localized = z.object({ ja: z.string().min(1).max(20), en: z.string().min(1).max(30) });
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour, #RRGGBB');

const buttonSchema = z.union([
  z.string().min(1),
  z.object({ send: z.string().min(1), label: localized.optional() }),
]).transform((button) => (typeof button === 'string' ? { send: button } : button));
export type RichMenuButtonConfig = z.output<typeof buttonSchema>;

/** LINE allows 20 areas; six keep labels large enough to read on a phone. */
const buttonsSchema = z.array(buttonSchema).min(1).max(6);

export const DEFAULT_STAGE_BUTTONS: Record<RichMenuStage, string[]> = {
  'new-friend': ['apply', 'register', 'help', 'staff'],
  applicant: ['review', 'register', 'help', 'staff'],
  attendee: ['myRegistration', 'review', 'help', 'staff'],
  finalist: ['review', 'myRegistration', 'help', 'staff'],
  alumni: ['menu', 'help', 'staff'],
};

const stagesSchema = z.object(
  Object.fromEntries(RICH_MENU_STAGES.map((stage) => [stage, buttonsSchema.prefault(DEFAULT_STAGE_BUTTONS[stage])])) as
    Record<RichMenuStage, z.ZodPrefault<typeof buttonsSchema>>,
);

export const richMenuSchema = z.object({
  /** Shown in the chat bar under which the menu opens; LINE allows 14 characters. */
  chatBarText: z.string().min(1).max(14).default('メニュー / Menu'),
  /** From this moment everyone who applied, registered or reached the final sees the alumni menu. */
  alumniAfter: z.iso.datetime({ offset: true }).optional(),
  colors: z.object({
    background: color.default('#FFFFFF'),
    button: color.default('#FFF4E5'),
    border: color.default('#E08A00'),
    text: color.default('#3A2A12'),
    subtext: color.default('#7A6A55'),
  }).prefault({}),
  stages: stagesSchema.prefault({}),
});

export type RichMenuConfig = z.output<typeof richMenuSchema>;

/** The section when the program file has none. */
export const DEFAULT_RICH_MENU: RichMenuConfig = richMenuSchema.parse({});
