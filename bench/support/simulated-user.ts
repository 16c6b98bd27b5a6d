/**
 * A person applying to the contest: every answer is a text message, choices typed as
 * their button labels (the bot accepts a typed label as the choice), except two taps on
 * buttons (postbacks), as people do there: "あとで送る" on the plan-document step, and
 * "応募する" on the confirmation card (typed, 「応募する」 is the menu's "apply" command
 * and resumes the draft instead of submitting). Each answer moves the conversation one
 * step, so every event does a real turn: consent, eligibility, applicant and plan
 * questions, then submission with a receipt number. After submitting, the user is
 * replaced by a new LINE user who starts over.
 */
import type { DeliveryKind } from './delivery.ts';

/** A typed text, or a tapped quick-reply button (`postback` is its data). */
export type Answer = string | { postback: string; label: string };

/** What one person sends, in order, from "応募" to tapping "応募する" on the card. */
export function applicationAnswers(email: string): readonly Answer[] {
  return [
    '応募', '同意する', 'すでにある', '船橋市', 'まだ創業していない',
    '千葉 太郎', 'ちば たろう', email, '090-1234-5678', '30代', '経営者・個人事業主',
    'ちばラボ', '房総の空き家を工房に', '観光・地域',
    '空き家を改装し、職人の工房として貸し出します。', '空き家の増加と若い職人の不足。',
    { postback: 'c:later', label: 'あとで送る' }, '受講した', 'SNS', { postback: 'c:submit', label: '応募する' },
  ];
}

export const STEPS_PER_APPLICATION = applicationAnswers('x@example.jp').length;

let applicants = 0;

export class SimulatedUser {
  #answers: readonly Answer[] = [];
  #step = 0;
  userId = '';
  /** Set when the current LINE user is done (submitted, or lost track) and must be replaced. */
  needsNewIdentity = true;

  /** Becomes a new LINE user at the start of the application. */
  becomeNew(userId: string): void {
    this.userId = userId;
    this.#answers = applicationAnswers(`bench${++applicants}@example.jp`);
    this.#step = 0;
    this.needsNewIdentity = false;
  }

  /** How many answers this applicant has given so far. */
  get step(): number {
    return this.#step;
  }

  get answer(): Answer {
    return this.#answers[this.#step]!;
  }

  /**
   * Moves on according to the bot's answer: a failed turn is sent again; a re-prompt or a
   * lost answer means the script and the bot disagree, so a fresh user takes over.
   */
  heard(kind: DeliveryKind | 'timeout'): void {
    if (kind === 'error') return;
    if (kind === 'submitted' || kind === 'reprompt' || kind === 'timeout') {
      this.needsNewIdentity = true;
      return;
    }
    // An echo bot never submits: walk the same script again.
    this.#step = (this.#step + 1) % this.#answers.length;
  }
}
