import { describe, expect, it } from 'vitest';
import { validateFurigana } from '../../../flows/validators/furigana.ts';

describe('validateFurigana', () => {
  it.each([
    ['ヤマダ タロウ', 'ヤマダ　タロウ'],
    ['やまだ たろう', 'ヤマダ　タロウ'],
    ['やまだ　たろう', 'ヤマダ　タロウ'],
    ['  やまだ   たろう  ', 'ヤマダ　タロウ'],
    ['ﾔﾏﾀﾞ ﾀﾛｳ', 'ヤマダ　タロウ'],
    ['ﾊﾟｰﾙ', 'パール'],
    ['やまだタロウ', 'ヤマダタロウ'],
    ['すずき いちろー', 'スズキ　イチロー'],
    ['ジョン・スミス', 'ジョン・スミス'],
    ['ｼﾞｮﾝ･ｽﾐｽ', 'ジョン・スミス'],
    ['ヴィクトリア', 'ヴィクトリア'],
    ['ゔぃくとりあ', 'ヴィクトリア'],
    ['さゝき', 'サヽキ'],
    ['みすゞ', 'ミスヾ'],
    ['ぁぃぅぇぉっゃゅょゎ', 'ァィゥェォッャュョヮ'],
  ])('accepts %j as %s', (text, value) => {
    expect(validateFurigana(text)).toEqual({ ok: true, value });
  });

  it.each(['山田 太郎', 'yamada taro', 'ヤマダ1', 'やまだ！', '', '   ', 'やまだ😀', 'ﾔﾏﾀﾞ-ﾀﾛｳ'])(
    'rejects %j',
    (text) => {
      expect(validateFurigana(text)).toEqual({ ok: false, reason: 'furigana.notKana' });
    },
  );
});
