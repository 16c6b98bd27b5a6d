import { describe, expect, it } from 'vitest';
import { renderLineMessages } from '../../channels/line/render.ts';
import { completeApplication, Conversation } from '../support/flow-harness.ts';
import { validateLineRequest } from '../support/line-spec.ts';

/** Every reply the renderer can produce must be a valid Messaging API request. */
function expectValidReply(messages: unknown[]) {
  const result = validateLineRequest('POST', '/v2/bot/message/reply', { replyToken: 'token', messages });
  expect(result).toEqual({ ok: true });
}

describe('renderLineMessages', () => {
  it('renders choices as postback quick replies within LINE limits', () => {
    const c = new Conversation().send({ type: 'follow' });
    const rendered = renderLineMessages(c.messages, 'ja');
    expectValidReply(rendered);
    const last = rendered.at(-1) as { quickReply: { items: Array<{ action: { label: string; data: string } }> } };
    expect(last.quickReply.items.map((i) => i.action.data)).toEqual(['c:cmd:apply', 'c:cmd:review', 'c:cmd:help', 'c:cmd:staff', 'c:cmd:lang-en']);
    for (const item of last.quickReply.items) expect(item.action.label.length).toBeLessThanOrEqual(20);
  });

  it('renders a date step with a date picker bounded by today', () => {
    const c = new Conversation().send('応募').choose('yes').choose('now').send('船橋市').choose('corporation');
    const rendered = renderLineMessages(c.messages, 'ja');
    expectValidReply(rendered);
    const picker = (rendered[0] as { quickReply: { items: Array<{ action: Record<string, string> }> } }).quickReply.items[0]!.action;
    expect(picker).toMatchObject({ type: 'datetimepicker', mode: 'date', data: 'd', max: '2026-11-28' });
  });

  it('renders the confirmation as a valid flex card with a change button per answer', () => {
    const c = completeApplication(new Conversation());
    const rendered = renderLineMessages(c.messages, 'ja');
    expectValidReply(rendered);
    const flex = rendered.at(-1) as { type: string; contents: unknown };
    expect(flex.type).toBe('flex');
    const json = JSON.stringify(flex);
    expect(json).toContain('c:change:email');
    expect(json).toContain('c:submit');
    expect(Buffer.byteLength(JSON.stringify(flex.contents))).toBeLessThan(30 * 1024);
  });

  it('fills facts such as the receipt number into the text', () => {
    const c = completeApplication(new Conversation()).choose('submit');
    const rendered = renderLineMessages(c.messages, 'ja', { receiptNumber: 'BC2026-0042' });
    expect(JSON.stringify(rendered)).toContain('BC2026-0042');
    expectValidReply(rendered);
  });

  it('merges leading texts so a reply never exceeds five messages', () => {
    const text = { type: 'text' as const, text: { literal: { ja: 'あ', en: 'a' } } };
    const rendered = renderLineMessages([text, text, text, text, text, { ...text, choices: [{ label: text.text, value: 'x' }] }], 'ja');
    expect(rendered.length).toBeLessThanOrEqual(5);
    expect(rendered.at(-1)).toHaveProperty('quickReply');
    expectValidReply(rendered);
  });

  it('clips text to 5,000 UTF-16 units without splitting an emoji', () => {
    const long = '😀'.repeat(3000);
    const rendered = renderLineMessages([{ type: 'text', text: { literal: { ja: long, en: long } } }], 'ja');
    const text = (rendered[0] as { text: string }).text;
    expect(text.length).toBeLessThanOrEqual(5000);
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expectValidReply(rendered);
  });

  it('renders every step of the application in English too', () => {
    const c = new Conversation();
    c.language = 'en';
    completeApplication(c);
    expectValidReply(renderLineMessages(c.messages, 'en'));
    expect(JSON.stringify(renderLineMessages(c.messages, 'en'))).toContain('Please check your application');
  });
});
