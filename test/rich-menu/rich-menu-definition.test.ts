import { describe, expect, it } from 'vitest';
import { flowModules } from '../../flows/index.ts';
import { commandTable, recognizeCommand } from '../../flows/engine/commands.ts';
import { ConfigError } from '../../core/config-error.ts';
import { loadProgram } from '../../core/program/load-program.ts';
import { richMenuSchema } from '../../core/rich-menu/rich-menu-config.ts';
import { layout, richMenuDefinitions, type Bounds } from '../../core/rich-menu/rich-menu-definition.ts';
import { RICH_MENU_STAGES } from '../../core/rich-menu/participant-stage.ts';

const program = loadProgram();
const table = commandTable(flowModules.flatMap((m) => m.entries));

/** Sum of the areas, and whether any two overlap. */
function tiling(bounds: Bounds[]): { area: number; overlap: boolean } {
  const area = bounds.reduce((sum, b) => sum + b.width * b.height, 0);
  const overlap = bounds.some((a, i) => bounds.some((b, j) => i < j
    && a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height));
  return { area, overlap };
}

describe('richMenuDefinitions', () => {
  const definitions = richMenuDefinitions(program);

  it('makes one menu per stage, in stage order', () => {
    expect(definitions.map((d) => d.stage)).toEqual([...RICH_MENU_STAGES]);
  });

  it('gives each button a word the engine understands, and the matching command', () => {
    for (const definition of definitions) {
      for (const button of definition.buttons) {
        const command = recognizeCommand({ type: 'text', text: button.text }, table);
        expect(command, `${definition.stage}: ${button.text}`).not.toBeNull();
        const expected = ['menu', 'help', 'staff'].includes(button.send) ? { name: button.send } : { name: 'enter', entry: button.send };
        expect(command).toEqual(expected);
      }
    }
  });

  it('labels buttons in Japanese and English from the catalog', () => {
    const newFriend = definitions.find((d) => d.stage === 'new-friend')!;
    expect(newFriend.buttons.map((b) => [b.text, b.label.ja, b.label.en])).toEqual([
      ['応募', '応募する', 'Apply'],
      ['参加登録', '参加登録', 'Register'],
      ['ヘルプ', 'ヘルプ', 'Help'],
      ['スタッフに相談', 'スタッフに相談', 'Talk to staff'],
    ]);
  });

  it('keeps within LINE\'s sizes and tiles the whole menu with its tap areas', () => {
    for (const d of definitions) {
      expect(d.size.width).toBe(2500);
      expect(d.size.height).toBe(d.buttons.length <= 3 ? 843 : 1686);
      expect(d.size.width / d.size.height).toBeGreaterThanOrEqual(1.45);
      expect([...d.chatBarText].length).toBeLessThanOrEqual(14);
      const { area, overlap } = tiling(d.buttons.map((b) => b.bounds));
      expect(overlap).toBe(false);
      expect(area).toBe(d.size.width * d.size.height);
    }
  });

  it.each([1, 2, 3, 4, 5, 6])('lays %i buttons out without gaps or overlaps', (count) => {
    const size = { width: 2500, height: count <= 3 ? 843 : 1686 };
    const bounds = layout(count, size);
    expect(bounds).toHaveLength(count);
    expect(tiling(bounds)).toEqual({ area: size.width * size.height, overlap: false });
  });

  it('takes the program file\'s buttons and labels', () => {
    const richMenu = richMenuSchema.parse({ stages: { alumni: [{ send: 'review', label: { ja: '応募の記録', en: 'Record' } }, 'help'] } });
    const alumni = richMenuDefinitions({ ...program, richMenu }).find((d) => d.stage === 'alumni')!;
    expect(alumni.buttons.map((b) => [b.send, b.text, b.label.ja])).toEqual([['review', '応募内容', '応募の記録'], ['help', 'ヘルプ', 'ヘルプ']]);
    expect(alumni.size.height).toBe(843);
  });

  it('refuses a button that sends nothing ouen knows', () => {
    const richMenu = richMenuSchema.parse({ stages: { alumni: ['lottery'] } });
    expect(() => richMenuDefinitions({ ...program, richMenu })).toThrow(ConfigError);
  });

  it('leaves out the event\'s buttons when the program has no event', () => {
    const { event: _event, ...withoutEvent } = program;
    const definitions = richMenuDefinitions(withoutEvent as typeof program);
    const sends = definitions.flatMap((d) => d.buttons.map((b) => b.send));
    expect(sends).not.toContain('register');
    expect(sends).not.toContain('myRegistration');
  });

  it('defaults every stage when the program file has no richMenu section', () => {
    expect(richMenuSchema.parse({}).stages['new-friend'].map((b) => b.send)).toEqual(['apply', 'register', 'help', 'staff']);
  });
});
