import { describe, expect, it } from 'vitest';
import { applicationChangeText } from '../../channels/discord/staff/feed-cards.ts';
import type { Notice } from '../../core/staff-feed/staff-notice.repository.ts';
import { program } from '../support/flow-harness.ts';

const notice = (detail: Notice['detail']): Notice => ({
  id: 1n, kind: 'application.updated', entityId: '00000000-0000-4000-8000-000000000000', detail, payloadSealed: null, attempts: 0,
  createdAt: new Date('2026-11-30T10:00:00+09:00'),
});

describe('applicationChangeText', () => {
  it('names changed answers as the form words them, built-in eligibility questions included', () => {
    expect(applicationChangeText(program, notice({ fields: ['email', 'municipality'] }), 'ja')).toBe('提出後に回答が変更されました: メール、市町村');
  });

  it('says an unsent answer left the application incomplete', () => {
    const text = applicationChangeText(program, notice({ fields: ['email'], unsent: true }), 'ja');
    expect(text).toContain('回答を削除しました: メール');
    expect(text).toContain('応募は未完成です');
  });
});
