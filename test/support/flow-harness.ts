/**
 * Drives the pure conversation engine the way the runtime does (advance, carry out the
 * effects, answer from their outcomes), keeping the application in memory, so flow tests
 * read as conversations.
 */
import { advance, answer, initialState, translateText } from '../../flows/index.ts';
import type {
  ApplicationFacts, ConversationState, Effect, FlowDeps, FlowInput, FlowMessage, Language, Outcome,
} from '../../flows/index.ts';
import type { ProgramConfig } from '../../flows/program.ts';
import { loadProgram, type Program } from '../../core/program/load-program.ts';

export const program: Program = loadProgram();
/** Inside the default program's application window. */
export const DURING = new Date('2026-11-28T10:00:00+09:00');

export class Conversation {
  state: ConversationState = initialState();
  application: ApplicationFacts | null = null;
  language: Language = 'ja';
  effects: Effect[] = [];
  messages: FlowMessage[] = [];
  consents: boolean[] = [];
  receipts = 0;
  /** A person has the conversation (set by an `openHandoff` effect, cleared by the test as staff would). */
  handoffOpen = false;
  /** Someone can take a conversation over (an inbox is configured). */
  handoffAvailable = true;

  constructor(public now: Date = DURING, public config: ProgramConfig = program) {}

  send(input: FlowInput | string): this {
    const flowInput: FlowInput = typeof input === 'string' ? { type: 'text', text: input } : input;
    const result = advance(this.state, flowInput, this.deps());
    const outcomes = this.apply(result.effects);
    const answered = answer(result, outcomes.map((outcome) => ({ module: 'contest', outcome })), this.deps());
    this.state = answered.state;
    this.effects = result.effects;
    this.messages = answered.messages;
    this.facts = Object.assign({}, ...outcomes.map((o) => ('facts' in o ? o.facts : {})));
    return this;
  }

  private deps(): FlowDeps {
    return {
      now: this.now, program: this.config, language: this.language, facts: { contest: this.application },
      handoffOpen: this.handoffOpen, handoffAvailable: this.handoffAvailable,
    };
  }

  choose(value: string): this {
    return this.send({ type: 'choice', value });
  }

  facts: Record<string, string> = {};

  /** Everything the bot said in the last turn, as the participant reads it. */
  get said(): string {
    return this.messages.map((m) => render(m, this.language, this.facts)).join('\n---\n');
  }

  get step(): string | undefined {
    return this.state.active?.stepId;
  }

  /** Values of the buttons offered in the last turn. */
  get offered(): string[] {
    return this.messages.flatMap((m) => (m.type === 'text' ? (m.choices ?? []).map((c) => c.value) : m.actions.map((a) => a.value)));
  }

  private apply(effects: Effect[]): Outcome[] {
    const outcomes: Outcome[] = [];
    for (const effect of effects) {
      switch (effect.type) {
        case 'recordConsent': this.consents.push(effect.granted); break;
        case 'saveAnswers':
          this.application = { status: 'draft', receiptNumber: null, hasDocument: false, ...this.application, answers: effect.answers };
          break;
        case 'discardDraft': this.application = null; break;
        case 'attachDocument': this.application = { ...this.application!, hasDocument: true }; break;
        case 'submitApplication': {
          const receipt = this.application!.receiptNumber ?? `BC2026-${String(++this.receipts).padStart(4, '0')}`;
          this.application = { ...this.application!, status: 'submitted', receiptNumber: receipt };
          outcomes.push({ effect: 'submitApplication', result: 'submitted', facts: { receiptNumber: receipt } });
          break;
        }
        case 'withdrawApplication': this.application = { ...this.application!, status: 'withdrawn' }; break;
        case 'setLanguage': this.language = effect.language; break;
        case 'openHandoff': this.handoffOpen = true; break;
        case 'endHandoff': this.handoffOpen = false; break;
        case 'forwardToStaff': break;
      }
    }
    return outcomes;
  }
}

function render(message: FlowMessage, language: Language, facts: Record<string, string>): string {
  if (message.type === 'text') return translateText(message.text, language, facts);
  const rows = message.rows.map((r) => `${translateText(r.label, language)}: ${translateText(r.value, language)}`);
  return [translateText(message.title, language), ...rows, message.footer ? translateText(message.footer, language, facts) : ''].join('\n');
}

/** A founder who answers every question correctly, up to the confirmation card. */
export function completeApplication(conversation: Conversation, founding: { kind: string; date?: string } = { kind: 'notYet' }): Conversation {
  conversation.send('応募').choose('yes').choose('now').send('船橋市').choose(founding.kind);
  if (founding.date) conversation.send({ type: 'date', date: founding.date });
  return conversation
    .send('千葉 太郎').send('ちば たろう').send('taro@example.jp').send('090-1234-5678')
    .choose('30s').choose('founder')
    .send('ちばラボ').send('房総の空き家を工房に').choose('tourism')
    .send('空き家を改装し、職人の工房として貸し出します。').send('空き家の増加と若い職人の不足。')
    .send({ type: 'file', fileName: 'plan.pdf', sizeBytes: 120_000, isPdf: true, sourceMessageId: 'm-1' })
    .choose('yes').choose('sns');
}
