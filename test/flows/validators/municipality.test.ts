import { describe, expect, it } from 'vitest';
import chiba from '../../../flows/data/chiba-municipalities.json' with { type: 'json' };
import { validateMunicipality } from '../../../flows/validators/municipality.ts';

describe('validateMunicipality', () => {
  it.each([
    ['船橋市', '船橋市'],
    ['  船橋市 ', '船橋市'],
    ['船 橋 市', '船橋市'],
    ['千葉県船橋市', '船橋市'],
    ['千葉県　柏市', '柏市'],
    ['柏', '柏市'],
    ['船橋', '船橋市'],
    ['いすみ', 'いすみ市'],
    ['鎌ヶ谷市', '鎌ケ谷市'],
    ['鎌ケ谷市', '鎌ケ谷市'],
    ['鎌が谷', '鎌ケ谷市'],
    ['鎌ｹ谷市', '鎌ケ谷市'],
    ['袖ヶ浦', '袖ケ浦市'],
    ['袖ヵ浦市', '袖ケ浦市'],
    ['千葉市', '千葉市'],
    ['千葉市中央区', '千葉市'],
    ['千葉県千葉市美浜区', '千葉市'],
    ['美浜区', '千葉市'],
    ['花見川区', '千葉市'],
    ['印旛郡酒々井町', '酒々井町'],
    ['千葉県印旛郡栄町', '栄町'],
    ['香取郡多古町', '多古町'],
    ['山武郡九十九里町', '九十九里町'],
    ['長生郡長生村', '長生村'],
    ['夷隅郡御宿町', '御宿町'],
    ['安房郡鋸南町', '鋸南町'],
    ['酒酒井町', '酒々井町'],
    ['酒々井', '酒々井町'],
    ['大網白里町', '大網白里市'],
    ['長生', '長生村'],
    ['船橋市です。', '船橋市'],
    ['「市川市」', '市川市'],
    ['市原市五井1-2-3', '市原市'],
    ['千葉県我孫子市本町', '我孫子市'],
  ])('reads %s as %s', (text, expected) => {
    expect(validateMunicipality(text)).toEqual({ ok: true, value: expected });
  });

  it('recognises every one of the 54 municipalities by its own name and without its suffix', () => {
    const names = [...chiba.cities, ...chiba.towns, ...chiba.villages];
    expect(names).toHaveLength(54);
    for (const name of names) {
      expect(validateMunicipality(name)).toEqual({ ok: true, value: name });
      // Bare 千葉 may mean the prefecture, so it gets a suggestion instead (below).
      if (name === '千葉市') continue;
      expect(validateMunicipality(name.replace(/[市町村]$/, ''))).toEqual({ ok: true, value: name });
    }
  });

  it.each([
    '東京都港区',
    '東京',
    '横浜市',
    '横浜市青葉区',
    '川崎',
    '埼玉県三郷市',
    '茨城県神栖市',
    '大阪府大阪市北区',
    '港区',
    '世田谷区',
    '県外',
  ])('says %s is outside Chiba', (text) => {
    expect(validateMunicipality(text)).toEqual({ ok: false, reason: 'municipality.outsideChiba' });
  });

  it.each([
    ['船檎市', ['船橋市']],
    ['松土', ['松戸市']],
    ['佐倉と八街の間', ['佐倉市', '八街市']],
    ['千葉', ['千葉市']],
    ['千葉県千葉', ['千葉市']],
    ['中央区', ['千葉市']],
    ['緑区', ['千葉市']],
  ])('does not guess %s but suggests %j', (text, suggestions) => {
    expect(validateMunicipality(text)).toEqual({ ok: false, reason: 'municipality.unknown', suggestions });
  });

  it.each(['', '   ', '千葉県', '印旛郡', 'あいうえお', '市', '房総地区', '👍'])(
    'does not recognise %j and has nothing to suggest',
    (text) => {
      expect(validateMunicipality(text)).toEqual({ ok: false, reason: 'municipality.unknown' });
    },
  );

  it.each([
    ['かしわし', '柏市'],
    ['かしわ', '柏市'],
    ['カシワシ', '柏市'],
    ['ふなばしし', '船橋市'],
    ['しすいまち', '酒々井町'],
    ['ちょうせいむら', '長生村'],
    ['Kashiwa', '柏市'],
    ['Kashiwa-shi', '柏市'],
    ['kashiwa city', '柏市'],
    ['Tōgane', '東金市'],
    ['Tougane', '東金市'],
    ['Choshi', '銚子市'],
    ['ｃｈｏｓｈｉ', '銚子市'],
  ])('understands the reading %s as %s', (text, name) => {
    expect(validateMunicipality(text)).toEqual({ ok: true, value: name });
  });

  it('knows the reading of every one of the 54 municipalities', async () => {
    const { default: data } = await import('../../../flows/data/chiba-municipalities.json', { with: { type: 'json' } });
    const { default: spoken } = await import('../../../flows/data/chiba-municipality-readings.json', { with: { type: 'json' } });
    const names = [...data.cities, ...data.towns, ...data.villages];
    expect(Object.keys(spoken.readings).sort()).toEqual([...names].sort());
    for (const [name, [kana]] of Object.entries(spoken.readings) as Array<[string, string[]]>) {
      expect(validateMunicipality(kana!)).toEqual({ ok: true, value: name });
    }
  });
});
