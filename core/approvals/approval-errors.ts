/**
 * Why an approval request is refused. Each code is a staff message key
 * (`approval.<code>`); nothing has been written when one is thrown.
 */
export type ApprovalRefusalCode =
  | 'notFound' | 'alreadyDecided' | 'ownDraft' | 'notPermitted' | 'quotaExceeded' | 'quotaUnknown'
  | 'emptySegment' | 'badText' | 'badSendAt' | 'unknownSegment' | 'noOwnChannel' | 'myNumber';

export class ApprovalRefusal extends Error {
  constructor(readonly code: ApprovalRefusalCode, readonly params: Record<string, string | number> = {}) {
    super(`approval refused: ${code}`);
    this.name = 'ApprovalRefusal';
  }
}
