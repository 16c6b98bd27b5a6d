import chiba from '../data/chiba-municipalities.json' with { type: 'json' };
import spoken from '../data/chiba-municipality-readings.json' with { type: 'json' };

/**
 * Matches what a person typed to one of Chiba's 54 municipalities.
 *
 * ```ts
 * validateMunicipality('千葉県 鎌ヶ谷市');    // { ok: true, value: '鎌ケ谷市' }
 * validateMunicipality('印旛郡酒々井町');     // { ok: true, value: '酒々井町' }
 * validateMunicipality('千葉市美浜区');       // { ok: true, value: '千葉市' }
 * validateMunicipality('かしわし');           // { ok: true, value: '柏市' }
 * validateMunicipality('Kashiwa-shi');        // { ok: true, value: '柏市' }
 * validateMunicipality('横浜市');             // { ok: false, reason: 'municipality.outsideChiba' }
 * validateMunicipality('船檎市');             // { ok: false, reason: 'municipality.unknown', suggestions: ['船橋市'] }
 * ```
 */
export function validateMunicipality(text: string): MunicipalityResult {
  const cleaned = clean(text);
  const rest = cleaned.replace(/^千葉県/, '').replace(districtPrefix, '');
  if (rest === '') return unknown([]);
  // Bare 千葉 may mean the prefecture; ask rather than guess the city.
  if (rest === '千葉') return unknown(['千葉市']);

  const match = matchName(rest) ?? matchReading(rest);
  if (match) return { ok: true, value: match };
  if (ambiguousWards.has(rest)) return unknown(['千葉市']);
  if (namesAnotherPlace(rest)) return { ok: false, reason: 'municipality.outsideChiba' };
  return unknown(suggestionsFor(rest));
}

export type MunicipalityReason = 'municipality.outsideChiba' | 'municipality.unknown';

export type MunicipalityResult =
  | { ok: true; value: string }
  | { ok: false; reason: 'municipality.outsideChiba' }
  | { ok: false; reason: 'municipality.unknown'; suggestions?: string[] };

const municipalities: readonly string[] = [...chiba.cities, ...chiba.towns, ...chiba.villages];

/** The districts (郡) Chiba's towns and village belong to; people often write them first. */
const districtPrefix = /^(印旛|香取|山武|長生|夷隅|安房)郡/;

/** Wards unique to Chiba city. 中央区 and 緑区 also exist in Tokyo, Yokohama, Nagoya… */
const uniqueWards = new Set(chiba.chibaCityWards.filter((ward) => ward !== '中央区' && ward !== '緑区'));
const ambiguousWards = new Set(['中央区', '緑区']);

/** Spelling variants folded together: small ヶ/ヵ and が/か for ケ, and 々 spelled out (酒酒井). */
function key(name: string): string {
  return name.replace(/[ヶヵがか]/g, 'ケ').replace(/(.)々/gu, '$1$1');
}

function base(name: string): string {
  return name.replace(/[市町村]$/, '');
}

const byName = new Map(municipalities.map((name) => [key(name), name]));
const byBase = new Map(municipalities.map((name) => [key(base(name)), name]));
/** Longest first, so the longest full name wins when text continues with an address. */
const prefixes = [...byName.keys()].sort((a, b) => b.length - a.length);

function matchName(rest: string): string | undefined {
  const folded = key(rest);
  const exact = byName.get(folded) ?? byBase.get(folded) ?? byBase.get(base(folded));
  if (exact) return exact;
  // 「船橋市本町1-2-3」「千葉市中央区」: a full name followed by more of an address.
  const prefix = prefixes.find((name) => folded.startsWith(name));
  if (prefix) return byName.get(prefix);
  if (uniqueWards.has(rest)) return '千葉市';
  return undefined;
}

/**
 * The name typed as it is read: in hiragana or katakana (かしわし, カシワ) or in romaji
 * with or without long vowels marked (Tōgane, Tougane, Togane), with or without the
 * suffix (し, まち, ちょう, むら, そん; -shi, city, town …).
 */
function matchReading(rest: string): string | undefined {
  const folded = foldReading(rest);
  if (folded === '') return undefined;
  for (const suffix of readingSuffixes) {
    if (!folded.endsWith(suffix)) continue;
    const found = byReading.get(folded.slice(0, folded.length - suffix.length));
    if (found) return found;
  }
  return undefined;
}

const readingSuffixes = ['', 'し', 'まち', 'ちょう', 'むら', 'そん', 'shi', 'city', 'machi', 'cho', 'town', 'mura', 'son', 'village'];

function foldReading(text: string): string {
  const plain = text
    .replace(/[\u30A1-\u30F6]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60))
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC');
  if (!/^[\p{Script=Hiragana}ーa-zA-Z\s-]+$/u.test(plain)) return '';
  return plain.toLowerCase().replace(/[\s\-ー]/g, '').replace(/ou/g, 'o').replace(/oo/g, 'o').replace(/uu/g, 'u');
}

const byReading = new Map(Object.entries(spoken.readings).flatMap(([name, forms]) => forms.map((form) => [foldReading(form), name] as const)));

function clean(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\s+/gu, '')
    .replace(/^[「『(【]+/u, '')
    .replace(/(です)?[」』)】。、.,!?]*$/u, '');
}

const prefectures =
  '北海道|東京|大阪|京都|青森|岩手|宮城|秋田|山形|福島|茨城|栃木|群馬|埼玉|神奈川|新潟|富山|石川|福井|山梨|長野|' +
  '岐阜|静岡|愛知|三重|滋賀|兵庫|奈良|和歌山|鳥取|島根|岡山|広島|山口|徳島|香川|愛媛|高知|福岡|佐賀|長崎|熊本|' +
  '大分|宮崎|鹿児島|沖縄';
/** Designated cities and prefectural capitals people may name without their prefecture. */
const bigCities =
  '札幌|仙台|盛岡|水戸|宇都宮|前橋|さいたま|川崎|横浜|相模原|金沢|甲府|名古屋|浜松|大津|堺|神戸|松江|高松|松山|' +
  '北九州|那覇';
const otherPrefecture = new RegExp(`^(${prefectures})(都|道|府|県)?`);
const otherCity = new RegExp(`^(${bigCities})(市|$)`);
/** Chiba city's wards are the only wards in Chiba, so any other 〇〇区 is elsewhere. */
const otherWard = /^(\p{Script=Han}{1,4})区/u;
const elsewhere = /^(県外|都内|道内|府内|海外)/;

function namesAnotherPlace(rest: string): boolean {
  if (otherPrefecture.test(rest) || otherCity.test(rest) || elsewhere.test(rest)) return true;
  const ward = otherWard.exec(rest)?.[1];
  return ward !== undefined && !ward.endsWith('地') && !chiba.chibaCityWards.includes(`${ward}区`);
}

function unknown(suggestions: string[]): MunicipalityResult {
  return suggestions.length > 0
    ? { ok: false, reason: 'municipality.unknown', suggestions }
    : { ok: false, reason: 'municipality.unknown' };
}

/** Up to three names one or two edits away, or containing / contained in the text. */
function suggestionsFor(rest: string): string[] {
  const folded = key(base(rest));
  if ([...folded].length < 2) return [];
  const scored = municipalities
    .map((name) => ({ name, score: nearness(folded, key(base(name))) }))
    .filter((candidate) => candidate.score <= 2)
    .sort((a, b) => a.score - b.score);
  return scored.slice(0, 3).map((candidate) => candidate.name);
}

function nearness(text: string, name: string): number {
  if (text.includes(name) || (name.includes(text) && text.length >= 2)) return 0;
  // A one-character name (柏, 旭, 栄) is only suggested when the text contains it.
  const limit = name.length === 1 ? 0 : name.length === 2 ? 1 : 2;
  const distance = editDistance(text, name);
  return distance <= limit ? distance : Infinity;
}

function editDistance(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  let previous = right.map((_, j) => j + 1);
  previous.unshift(0);
  for (let i = 1; i <= left.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= right.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (left[i - 1] === right[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[right.length] ?? 0;
}
