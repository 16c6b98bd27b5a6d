/**
 * The demo's applicants: fictitious people, each a script of what they send in the
 * console, as a person would (a typed text, a tapped button by its value, a date from the
 * picker, the plan document). Six submit; the last stops half-way (a draft).
 */
export type DemoAction = { text: string } | { choose: string } | { date: string } | { file: 'plan' };

export interface DemoApplicant {
  displayName: string;
  actions: DemoAction[];
}

interface Person {
  name: string;
  furigana: string;
  municipality: string;
  founding: { status: 'notYet' } | { status: 'corporation' | 'sole' | 'soleThenCorp'; date: string };
  ageBand: string;
  occupation: string;
  businessName: string;
  planTitle: string;
  category: string;
  summary: string;
  problem: string;
  withDocument: boolean;
  workshop: 'yes' | 'no';
  heardFrom: string;
}

const text = (value: string): DemoAction => ({ text: value });
const choose = (value: string): DemoAction => ({ choose: value });

function applicationOf(person: Person, index: number): DemoAction[] {
  const founding = person.founding.status === 'notYet' ? [choose('notYet')] : [choose(person.founding.status), { date: person.founding.date }];
  return [
    text('応募'), choose('yes'), choose('now'), text(person.municipality), ...founding,
    text(person.name), text(person.furigana), text(`demo${index + 1}@example.jp`), text(`090-0000-${String(index + 1).padStart(4, '0')}`),
    choose(person.ageBand), choose(person.occupation),
    text(person.businessName), text(person.planTitle), choose(person.category), text(person.summary), text(person.problem),
    person.withDocument ? { file: 'plan' } : choose('later'),
    choose(person.workshop), choose(person.heardFrom), choose('submit'),
  ];
}

const PEOPLE: Person[] = [
  {
    name: '千葉 花子', furigana: 'ちば はなこ', municipality: '船橋市', founding: { status: 'notYet' }, ageBand: '30s', occupation: 'employee',
    businessName: 'はなこ農園', planTitle: '落花生で地域を元気にするプラン', category: 'food-agri',
    summary: '船橋の落花生を使った加工品を開発し、地元の直売所とネットで販売します。', problem: '耕作放棄地の増加と、農家の後継者不足。',
    withDocument: true, workshop: 'yes', heardFrom: 'sns',
  },
  {
    name: '佐藤 一郎', furigana: 'さとう いちろう', municipality: '柏市', founding: { status: 'corporation', date: '2023-04-01' }, ageBand: '40s', occupation: 'founder',
    businessName: '株式会社かしわテック', planTitle: '介護記録を声で残すアプリ', category: 'health-welfare',
    summary: '介護職員が話すだけで記録が残るアプリを、市内の事業所と作ります。', problem: '介護現場の記録業務の負担と人手不足。',
    withDocument: false, workshop: 'no', heardFrom: 'website',
  },
  {
    name: '鈴木 美咲', furigana: 'すずき みさき', municipality: '館山市', founding: { status: 'sole', date: '2024-10-01' }, ageBand: 'u29', occupation: 'founder',
    businessName: 'みさき工房', planTitle: '房総の古民家で藍染め体験', category: 'tourism',
    summary: '空き家の古民家を改装し、藍染め体験と宿泊を組み合わせて提供します。', problem: '南房総の空き家の増加と、通年の観光客不足。',
    withDocument: false, workshop: 'yes', heardFrom: 'poster',
  },
  {
    name: '高橋 健', furigana: 'たかはし けん', municipality: '千葉市', founding: { status: 'notYet' }, ageBand: '50s', occupation: 'employee',
    businessName: 'たかはし木工', planTitle: '間伐材の家具を定額で貸し出す', category: 'environment',
    summary: '県内の間伐材で作った家具を、オフィス向けに月額で貸し出します。', problem: '手入れされない森林と、使われない間伐材。',
    withDocument: false, workshop: 'no', heardFrom: 'support-org',
  },
  {
    name: '田中 由美', furigana: 'たなか ゆみ', municipality: '松戸市', founding: { status: 'notYet' }, ageBand: '30s', occupation: 'other',
    businessName: 'まつど食卓ネット', planTitle: '子ども食堂に地元野菜を届ける仕組み', category: 'education',
    summary: '農家の規格外野菜を集め、市内の子ども食堂へ定期的に届けます。', problem: '子ども食堂の食材不足と、農家の食品ロス。',
    withDocument: false, workshop: 'yes', heardFrom: 'friend',
  },
  {
    name: '伊藤 翔', furigana: 'いとう しょう', municipality: '木更津市', founding: { status: 'soleThenCorp', date: '2022-06-01' }, ageBand: '30s', occupation: 'founder',
    businessName: '合同会社かずさドローン', planTitle: 'ドローンで漁港の見回り', category: 'it',
    summary: '漁港や海岸の見回りをドローンで自動化し、漁協と自治体に提供します。', problem: '漁港の高齢化と、見回りの人手不足。',
    withDocument: false, workshop: 'no', heardFrom: 'website',
  },
];

export const DEMO_APPLICANTS: DemoApplicant[] = [
  ...PEOPLE.map((person, index) => ({ displayName: person.name, actions: applicationOf(person, index) })),
  // Stopped after the name: a draft, as many are when the call closes.
  { displayName: '渡辺 さくら', actions: [text('応募'), choose('yes'), choose('now'), text('市川市'), choose('notYet'), text('渡辺 さくら')] },
];
