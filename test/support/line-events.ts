/** Webhook bodies for tests, built with the same builders the console uses. */
import {
  callbackBody, fileMessageEvent, followEvent, postbackEvent, textMessageEvent, unfollowEvent, unsendEvent, type WebhookEvent,
} from '../../bot/console/webhook-events.ts';
import { lineUserId, messageId, quoteToken, replyToken } from '../../bot/console/line-ids.ts';
import type { FakeLineStore } from '../../bot/console/fake-line-api.ts';

export { callbackBody, lineUserId, messageId };

/** Twice a reply token's life. */
const STALE_MS = 120_000;

/** A LINE user talking to the bot; reply tokens are issued by the fake platform, as LINE would. */
export class LineUser {
  readonly userId: string;

  /** The user exists on the fake platform (a friend of the bot), as a real LINE user would. */
  constructor(private readonly line: FakeLineStore, language: 'ja' | 'en' = 'ja') {
    this.userId = line.createUser({ displayName: 'テスト ユーザー', language }).userId;
  }

  private token() {
    return this.line.issueReplyToken(this.userId);
  }

  follow(): WebhookEvent {
    return followEvent(this.userId, Date.now(), this.token(), false);
  }

  unfollow(): WebhookEvent {
    return unfollowEvent(this.userId, Date.now());
  }

  text(text: string, id = messageId()): WebhookEvent {
    return textMessageEvent(this.userId, Date.now(), this.token(), { id, text, quoteToken: quoteToken() });
  }

  choose(value: string): WebhookEvent {
    return postbackEvent(this.userId, Date.now(), this.token(), { data: `c:${value}` });
  }

  date(date: string): WebhookEvent {
    return postbackEvent(this.userId, Date.now(), this.token(), { data: 'd', params: { date } });
  }

  file(fileName: string, bytes: Buffer, id = messageId()): WebhookEvent {
    this.line.addFile({ messageId: id, userId: this.userId, fileName, contentType: 'application/pdf', bytes });
    return fileMessageEvent(this.userId, Date.now(), this.token(), { id, fileName, fileSize: bytes.length });
  }

  unsend(id: string): WebhookEvent {
    return unsendEvent(this.userId, Date.now(), id);
  }

  /**
   * The event as if it had happened two minutes ago, with a reply token that has expired
   * since: the reply fails, and the token is too old for a refusal to mean it was used.
   */
  withStaleToken(event: WebhookEvent): WebhookEvent {
    return { ...event, timestamp: event.timestamp - STALE_MS, replyToken: replyToken() };
  }
}

/** The texts of every bot message sent to a user, in order. */
export function botTexts(line: FakeLineStore, userId: string): string[] {
  return line.botMessages(userId).map((m) => {
    const message = m as { type: string; text?: string; altText?: string; contents?: unknown };
    return message.type === 'text' ? message.text! : `${message.altText}\n${JSON.stringify(message.contents)}`;
  });
}

export const MINIMAL_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);
