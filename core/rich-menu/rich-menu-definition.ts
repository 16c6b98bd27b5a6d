/**
 * The rich menus as data, one per participant stage, from the program configuration: the
 * buttons each stage's section names, each sending a word the engine understands (a flow
 * module's first Japanese entry word, or the engine's own for the menu, help and staff),
 * laid out on LINE's full width. Pure: drawing is rich-menu-image.ts, LINE's request
 * shape channels/line/rich-menu-api.ts.
 *
 * Layout: up to three buttons in one row on 2500×843 (LINE's compact size), four to six
 * in two rows on 2500×1686 (the large size), the top row taking the odd one.
 */
import { flowModules, translateText, type FlowDeps, type ProgramConfig, type Text } from '../../flows/index.ts';
import type { Localized } from '../../flows/program.ts';
import { t } from '../../flows/engine/text.ts';
import { ConfigError } from '../config-error.ts';
import { DEFAULT_RICH_MENU, type RichMenuConfig } from './rich-menu-config.ts';
import { RICH_MENU_STAGES, type RichMenuStage } from './participant-stage.ts';

export const RICH_MENU_WIDTH = 2500;
export const COMPACT_HEIGHT = 843;
export const LARGE_HEIGHT = 1686;

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface RichMenuButton {
  /** The entry id or engine word it stands for (`apply`, `help`, …). */
  send: string;
  /** What a tap sends as the person's message. */
  text: string;
  label: Localized;
  bounds: Bounds;
}

export interface RichMenuDefinition {
  stage: RichMenuStage;
  chatBarText: string;
  size: { width: number; height: number };
  buttons: RichMenuButton[];
  colors: RichMenuConfig['colors'];
}

/** The engine's words a button may send, with the word and the catalog label. */
const ENGINE_BUTTONS: Record<string, { word: string; label: Text }> = {
  menu: { word: 'メニュー', label: t('menu.open') },
  help: { word: 'ヘルプ', label: t('menu.help') },
  staff: { word: 'スタッフに相談', label: t('menu.staff') },
};

type ProgramWithMenu = ProgramConfig & { richMenu?: RichMenuConfig };

/**
 * Every stage's menu. A button naming nothing known is a mistake in the program file
 * (ConfigError); a button of a module whose section the program leaves out (no event
 * configured) is dropped, and so is a stage's menu left with no button at all.
 */
export function richMenuDefinitions(program: ProgramWithMenu): RichMenuDefinition[] {
  const config = program.richMenu ?? DEFAULT_RICH_MENU;
  return RICH_MENU_STAGES.map((stage) => {
    const buttons = config.stages[stage].flatMap((button) => {
      const resolved = resolveButton(button.send, program);
      if (!resolved) return [];
      return [{ send: button.send, text: resolved.word, label: button.label ?? resolved.label }];
    });
    if (buttons.length === 0) throw new ConfigError(`richMenu.stages.${stage}: no button left (the modules it names are not configured)`);
    const size = { width: RICH_MENU_WIDTH, height: buttons.length <= 3 ? COMPACT_HEIGHT : LARGE_HEIGHT };
    const bounds = layout(buttons.length, size);
    return { stage, chatBarText: config.chatBarText, size, colors: config.colors, buttons: buttons.map((b, i) => ({ ...b, bounds: bounds[i]! })) };
  });
}

function resolveButton(send: string, program: ProgramWithMenu): { word: string; label: Localized } | null {
  const engine = ENGINE_BUTTONS[send];
  if (engine) return { word: engine.word, label: localize(engine.label) };
  for (const module of flowModules) {
    const entry = module.entries.find((e) => e.id === send);
    if (!entry) continue;
    if ((program as Record<string, unknown>)[module.id] === undefined) return null;
    const item = module.menu.find((m) => m.entry === send);
    // A menu item's label reads the person's facts; the menu is the same for everyone of a stage, so none are given.
    const deps: FlowDeps = { now: new Date(0), program, language: 'ja', facts: {} };
    const label = item ? localize((item.label as (d: FlowDeps) => Text)(deps)) : { ja: entry.words.ja[0]!, en: entry.words.en[0]! };
    return { word: entry.words.ja[0]!, label };
  }
  throw new ConfigError(`richMenu: a button sends "${send}", which is neither a flow entry (${flowModules.flatMap((m) => m.entries.map((e) => e.id)).join(', ')}) nor ${Object.keys(ENGINE_BUTTONS).join(', ')}`);
}

const localize = (text: Text): Localized => ({ ja: translateText(text, 'ja'), en: translateText(text, 'en') });

/** Tap areas that tile the menu exactly: rows of equal height, buttons of equal width in a row. */
export function layout(count: number, size: { width: number; height: number }): Bounds[] {
  const rows = count <= 3 ? [count] : [Math.ceil(count / 2), Math.floor(count / 2)];
  const rowHeight = Math.floor(size.height / rows.length);
  return rows.flatMap((columns, row) => {
    const y = row * rowHeight;
    const height = row === rows.length - 1 ? size.height - y : rowHeight;
    const width = Math.floor(size.width / columns);
    return Array.from({ length: columns }, (_, column) => ({
      x: column * width, y, height, width: column === columns - 1 ? size.width - column * width : width,
    }));
  });
}
