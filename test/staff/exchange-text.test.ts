import { describe, expect, it } from 'vitest';
import { exchangeText } from '../../channels/discord/staff/handoff-card.ts';
import { describeInput } from '../../runtime/recent-exchanges.ts';

describe('a participant\'s line as staff read it', () => {
  it.each([
    [{ type: 'choice', value: 'cmd:apply' } as const, '応募する', '（ボタン）応募する', '(button) 応募する'],
    [{ type: 'date', date: '2024-04-01' } as const, null, '（日付）2024-04-01', '(date) 2024-04-01'],
    [{ type: 'file', fileName: 'plan.pdf', sizeBytes: 1, isPdf: true, sourceMessageId: '1' } as const, null, '（ファイル）plan.pdf', '(file) plan.pdf'],
    [{ type: 'unsupported', what: 'sticker' } as const, null, '（スタンプ）', '(sticker)'],
    [{ type: 'text', text: '締切はいつ？' } as const, null, '締切はいつ？', '締切はいつ？'],
  ])('records %j with the label it showed, never an internal code, and marks it per language', (input, label, ja, en) => {
    const said = describeInput(input, label)!;
    expect(said.text).not.toContain('cmd:');
    expect(exchangeText('ja', said)).toBe(ja);
    expect(exchangeText('en', said)).toBe(en);
  });

  it('shows a line recorded before kinds were kept as it was', () => {
    expect(exchangeText('ja', { text: '[ボタン] 応募する' })).toBe('[ボタン] 応募する');
  });
});
