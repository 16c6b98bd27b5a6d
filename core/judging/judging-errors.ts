/**
 * Why a judging request is refused. Each code is a staff message key (`judging.<code>`),
 * so the person asking reads what to do next; nothing has been written when one is thrown.
 */
export type RefusalCode =
  | 'unknownRound' | 'roundNotOpen' | 'roundStillOpen' | 'roundAlreadyOpen' | 'anotherRoundOpen' | 'previousRoundOpen'
  | 'previousNotPublished' | 'beforeDeadline' | 'roundHasPublished' | 'noRound'
  | 'notAJudge' | 'notAssigned' | 'notInRound' | 'recused' | 'badScore' | 'unknownCriterion'
  | 'unknownReceipt' | 'badOutcome' | 'tooManyPrizes' | 'decisionFrozen' | 'provisional'
  | 'undecided' | 'nothingToPublish' | 'awaitingApproval' | 'publicationNotFound' | 'alreadyDecided'
  | 'ownDraft' | 'notFinalist' | 'myNumber';

export class JudgingRefusal extends Error {
  constructor(readonly code: RefusalCode, readonly params: Record<string, string | number> = {}) {
    super(`judging refused: ${code}`);
    this.name = 'JudgingRefusal';
  }
}
