/**
 * The module mechanism, proven with a module that exists only in this test (a raffle,
 * test/support/raffle-module.ts) registered through the public API beside the contest:
 * its entry word, its menu item and when it shows, its facts, its effect's outcome turned
 * into its answer, its program section. No engine file knows it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createFlowEngine, flowEngine, flowModules, initialState, programSchemaOf, translate, translateText,
  type AnyFlowModule, type Effect, type FlowDeps, type FlowMessage, type ProgramConfig, type StepResult,
} from '../../flows/index.ts';
import { contestModule } from '../../flows/contest/contest.module.ts';
import { DEFAULT_PROGRAM_FILE } from '../../core/program/load-program.ts';
import { DURING, program } from '../support/flow-harness.ts';
import { raffleModule } from '../support/raffle-module.ts';

const engine = createFlowEngine([contestModule, raffleModule]);
const AFTER_DEADLINE = new Date(Date.parse(program.contest.deadline) + 60_000);

function deps(options: { open?: boolean; drawn?: boolean; now?: Date } = {}): FlowDeps {
  const raffle = options.open === undefined ? undefined : { open: options.open };
  return {
    now: options.now ?? DURING, language: 'ja', program: { ...program, raffle } as ProgramConfig,
    facts: { contest: null, raffle: { drawn: options.drawn ?? false } },
  };
}

const say = (text: string) => ({ type: 'text' as const, text });
const texts = (messages: FlowMessage[]) => messages.map((m) => (m.type === 'text' ? translateText(m.text, 'ja') : translateText(m.title, 'ja'))).join('\n');
const menuValues = (message: FlowMessage) => (message.type === 'text' ? (message.choices ?? []).map((c) => c.value) : []);
const drawn = (step: StepResult, outcome: Parameters<NonNullable<typeof raffleModule.answer>>[1][number], facts = deps({ open: true })) =>
  engine.answer(step, [{ module: 'raffle', outcome }], facts);

describe('a flow module added through the registry', () => {
  it('starts its flow from its entry word, typed in either language or tapped in the menu', () => {
    for (const input of [say('くじ'), say('ＲＡＦＦＬＥ'), { type: 'choice' as const, value: 'cmd:raffle' }]) {
      const step = engine.advance(initialState(), input, deps({ open: true }));
      expect(step.effects).toEqual([{ type: 'raffle.draw' }]);
      expect(step.continuation).toEqual({ module: 'raffle', id: 'drawn' });
    }
  });

  it('shows its menu item while its `when` holds, in its order among the modules\' items', () => {
    const menu = (d: FlowDeps) => menuValues(engine.mainMenu(d));
    expect(menu(deps({ open: true }))).toEqual(['cmd:apply', 'cmd:raffle', 'cmd:review', 'cmd:help', 'cmd:staff', 'cmd:lang-en']);
    expect(menu(deps({ open: true, drawn: true }))).not.toContain('cmd:raffle');
    expect(menu(deps({ open: false }))).not.toContain('cmd:raffle');
    // The contest's own `when`: no "apply" once its deadline has passed.
    expect(menu(deps({ open: true, now: AFTER_DEADLINE }))).toEqual(['cmd:raffle', 'cmd:review', 'cmd:help', 'cmd:staff', 'cmd:lang-en']);
    // What the button said is known for the record staff read.
    expect(translateText(engine.choiceLabel(initialState(), 'cmd:raffle', deps({ open: true }))!, 'ja')).toBe('くじを引く');
  });

  it('reads its own facts and program section', () => {
    expect(texts(engine.advance(initialState(), say('くじ'), deps({ open: true, drawn: true })).messages)).toBe('くじはもう引きました。');
    expect(texts(engine.advance(initialState(), say('くじ'), deps({ open: false })).messages)).toBe('くじ引きは終了しました。');
  });

  it('answers from what its effect came to, a refusal included, after what it said before', () => {
    const step = engine.advance(initialState(), say('くじ'), deps({ open: true }));
    const won = drawn(step, { effect: 'raffle.draw', result: 'won', facts: { prize: '図書カード' } });
    expect(texts(won.messages)).toBe('くじを引きます…\n当たり！景品は図書カードです。');
    expect(won.continuation).toBeUndefined();
    expect(won.effects).toEqual(step.effects);
    expect(texts(drawn(step, { effect: 'raffle.draw', result: 'closed' }).messages)).toBe('くじを引きます…\nちょうど締め切りました。');
    expect(texts(drawn(step, { effect: 'raffle.draw', result: 'already' }).messages)).toContain('もう引きました');
  });

  it('hears only its own outcomes', () => {
    const step = engine.advance(initialState(), say('くじ'), deps({ open: true }));
    const others = [{ module: 'contest', outcome: { effect: 'raffle.draw', result: 'won', facts: { prize: 'x' } } }];
    expect(() => engine.answer(step, others, deps({ open: true }))).toThrow(/nothing to answer/);
  });

  it('leaves every other module as it was; the menu only gains its button', () => {
    const d = deps({ open: true });
    for (const text of ['応募', '応募内容']) {
      expect(engine.advance(initialState(), say(text), d)).toEqual(flowEngine.advance(initialState(), say(text), d));
    }
    const before = menuValues(flowEngine.mainMenu(d));
    expect(menuValues(engine.mainMenu(d)).filter((value) => value !== 'cmd:raffle')).toEqual(before);
  });

  it('brings its section of the program configuration, and today\'s program files still load', () => {
    const schema = programSchemaOf([contestModule, raffleModule]);
    const today = JSON.parse(readFileSync(DEFAULT_PROGRAM_FILE, 'utf8')) as Record<string, unknown>;
    expect(schema.parse(today).contest.id).toBe(program.contest.id);
    expect(schema.parse({ ...today, raffle: { open: true } }).raffle).toEqual({ open: true });
    const wrong = schema.safeParse({ ...today, raffle: { open: 'yes' } });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues[0]?.path).toEqual(['raffle', 'open']);
  });

  it('is refused when it contradicts another module or the engine', () => {
    const clone = (changes: Partial<typeof raffleModule>) => ({ ...raffleModule, ...changes });
    expect(() => createFlowEngine([contestModule, contestModule])).toThrow(/registered twice/);
    expect(() => createFlowEngine([contestModule, clone({ entries: [{ id: 'raffle', flow: 'raffle-draw', words: { ja: ['応募'], en: [] } }] })]))
      .toThrow(/応募/);
    expect(() => createFlowEngine([clone({ entries: [{ id: 'help', flow: 'raffle-draw', words: { ja: [], en: [] } }], menu: [] })]))
      .toThrow(/cmd:help/);
    expect(() => createFlowEngine([clone({ menu: [{ entry: 'lottery', order: 1, label: () => ({ literal: { ja: 'x', en: 'x' } }) }] })]))
      .toThrow(/not its entry/);
    expect(() => createFlowEngine([clone({ catalog: { ja: { 'lottery.won': '当たり' }, en: { 'lottery.won': 'Won' } } })]))
      .toThrow(/must start with "raffle\."/);
    expect(() => createFlowEngine([clone({ catalog: { ja: { 'raffle.won': '当たり' }, en: {} } })])).toThrow(/keys differ/);
    expect(() => programSchemaOf([{ ...raffleModule, id: 'contact' } as AnyFlowModule])).toThrow(/own "contact" section/);
  });
});

describe('the program\'s registry', () => {
  it('lists the contest, the event, the seminars, the booths and my bookings, whose catalog entries are in the flat catalog', () => {
    expect(flowModules.map((m) => m.id)).toEqual(['contest', 'event', 'seminars', 'booths', 'my-bookings']);
    for (const module of flowModules) {
      for (const [key, text] of Object.entries(module.catalog?.ja ?? {})) expect(translate('ja', key as never)).toBe(text);
      for (const [key, text] of Object.entries(module.catalog?.en ?? {})) expect(translate('en', key as never)).toBe(text);
    }
  });

  it('answers a refused submission with a word and the card, not an error', () => {
    const application = { status: 'draft' as const, receiptNumber: null, answers: { base: 'now' }, hasDocument: false };
    const d: FlowDeps = { now: DURING, language: 'ja', program, facts: { contest: application } };
    const step: StepResult<Effect> = { state: initialState(), messages: [], effects: [{ type: 'submitApplication' }], continuation: { module: 'contest', id: 'submitted' } };
    const refused = flowEngine.answer(step, [{ module: 'contest', outcome: { effect: 'submitApplication', result: 'refused' } }], d);
    expect(texts(refused.messages)).toContain('応募を受け付けられませんでした');
    expect(refused.messages.at(-1)?.type).toBe('summary');
    expect(refused.state.active?.stepId).toBe('confirm');
  });
});
