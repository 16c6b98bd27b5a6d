import { describe, expect, it } from 'vitest';
import { completeApplication, Conversation, DURING, program } from '../support/flow-harness.ts';

describe('contest application flow', () => {
  it('walks a founder from the first word to a receipt number', () => {
    const c = new Conversation();
    c.send('応募');
    expect(c.step).toBe('consent');
    expect(c.said).toContain('個人情報の取り扱い');
    expect(c.offered).toEqual(['yes', 'no']);
    completeApplication(c);
    expect(c.step).toBe('confirm');
    expect(c.messages.at(-1)?.type).toBe('summary');
    expect(c.said).toContain('taro@example.jp');
    c.choose('submit');
    expect(c.effects).toEqual([{ type: 'submitApplication' }]);
    expect(c.said).toContain('BC2026-0001');
    expect(c.state.active).toBeNull();
  });

  it('keeps nothing but the refusal when consent is declined', () => {
    const c = new Conversation().send('応募').choose('no');
    expect(c.effects).toEqual([{ type: 'recordConsent', purpose: 'contest-application', noticeVersion: '2026-06-01', granted: false }]);
    expect(c.application).toBeNull();
    expect(c.said).toContain('お預かりしません');
  });

  it('ends kindly and discards the draft when there is no base in Chiba', () => {
    const c = new Conversation().send('応募').choose('yes').choose('none');
    expect(c.effects).toEqual([{ type: 'discardDraft' }]);
    expect(c.said).toContain('今回はご応募いただけません');
    expect(c.said).toContain(program.contest.otherSupport.ja);
    expect(c.state.active).toBeNull();
  });

  it.each([
    ['2021-11-01', 'ineligible'],
    ['2022-03-31', 'ineligible'],
    ['2022-04-01', 'eligible'],
    ['2026-11-01', 'eligible'],
  ])('with founding date %s the founder is %s', (date, verdict) => {
    const c = new Conversation().send('応募').choose('yes').choose('now').send('船橋市').choose('corporation');
    expect(c.step).toBe('foundingDate');
    c.send({ type: 'date', date });
    if (verdict === 'eligible') {
      expect(c.step).toBe('name');
      expect(c.said).toContain('応募資格を確認できました');
    } else {
      expect(c.effects).toEqual([{ type: 'discardDraft' }]);
      expect(c.said).toContain('創業5年未満');
    }
  });

  it('asks a sole proprietor who incorporated for the sole-proprietorship start date', () => {
    const c = new Conversation().send('応募').choose('yes').choose('now').send('船橋市').choose('soleThenCorp');
    expect(c.said).toContain('個人事業を始めた日');
    expect(c.messages[0]).toMatchObject({ datePicker: { max: '2026-11-28' } });
  });

  it('skips the founding date for someone not yet founded', () => {
    const c = new Conversation().send('応募').choose('yes').choose('planned').send('酒々井町').choose('notYet');
    expect(c.step).toBe('name');
  });

  it.each([
    ['email', 'taro.example.jp', '「@」が見当たりません'],
    ['email', 'taro@', 'ドメイン'],
    ['phone', '12345', '桁数が足りない'],
    ['furigana', 'Taro', 'ひらがなかカタカナ'],
  ])('re-prompts %s with a specific reason for %j', (step, text, expected) => {
    const c = new Conversation().send('応募').choose('yes').choose('now').send('船橋市').choose('notYet');
    const answers: Record<string, string> = { name: '千葉 太郎', furigana: 'ちば たろう', email: 'taro@example.jp', phone: '0901234567' };
    for (const id of ['name', 'furigana', 'email', 'phone']) {
      if (id === step) break;
      c.send(answers[id]!);
    }
    expect(c.step).toBe(step);
    c.send(text);
    expect(c.step).toBe(step);
    expect(c.effects).toEqual([]);
    expect(c.said).toContain(expected);
  });

  it('refuses a founding date in the future and a date it cannot read', () => {
    const c = new Conversation().send('応募').choose('yes').choose('now').send('船橋市').choose('corporation');
    c.send({ type: 'date', date: '2026-12-01' });
    expect(c.said).toContain('未来の日付');
    c.send('そのうち');
    expect(c.said).toContain('日付を読み取れませんでした');
    c.send('令和6年4月1日');
    expect(c.step).toBe('name');
  });

  it('refuses a municipality outside Chiba and suggests near misses', () => {
    const c = new Conversation().send('応募').choose('yes').choose('now');
    c.send('東京都港区');
    expect(c.step).toBe('municipality');
    expect(c.said).toContain('千葉県内の市町村名');
    c.send('鎌ヶ谷市');
    expect(c.application?.answers.municipality).toBe('鎌ケ谷市');
  });

  it('submits when 「応募する」 is typed on the confirmation card', () => {
    const c = completeApplication(new Conversation()).send('応募する');
    expect(c.effects).toEqual([{ type: 'submitApplication' }]);
    expect(c.said).toContain('BC2026-0001');
  });

  it('states the limit and the count when a text is too long, and keeps the draft', () => {
    const c = completeToStep('summary');
    const before = { ...c.application!.answers };
    c.send('あ'.repeat(5000));
    expect(c.said).toContain('400字以内');
    expect(c.said).toContain('5000字');
    expect(c.application!.answers).toEqual(before);
  });

  it('answers a sticker where text is expected with a polite re-prompt', () => {
    const c = completeToStep('name');
    c.send({ type: 'unsupported', what: 'sticker' });
    expect(c.step).toBe('name');
    expect(c.said).toContain('文字でお答えください');
  });

  it('refuses a file that is not a PDF or too large, and accepts "send later"', () => {
    const c = completeToStep('document');
    c.send({ type: 'file', fileName: 'plan.docx', sizeBytes: 1000, isPdf: false, sourceMessageId: 'x' });
    expect(c.said).toContain('PDFファイルのみ');
    c.send({ type: 'file', fileName: 'big.pdf', sizeBytes: 11 * 1024 * 1024, isPdf: true, sourceMessageId: 'y' });
    expect(c.said).toContain('10MBまで');
    c.send('こんにちは');
    expect(c.said).toContain('PDFファイルをこのトークに送るか');
    c.send('あとで送る');
    expect(c.application!.answers.document).toBe('later');
    expect(c.step).toBe('workshop');
  });

  it('refuses a text holding a My Number', () => {
    const c = completeToStep('summary');
    c.send('私の番号は 1234 5678 9018 です');
    expect(c.said).toContain('マイナンバー');
    expect(c.application!.answers.summary).toBeUndefined();
  });

  it('goes back one question with 戻る and keeps earlier answers', () => {
    const c = completeToStep('email');
    c.send('戻る');
    expect(c.step).toBe('furigana');
    expect(c.application!.answers.name).toBe('千葉 太郎');
  });

  it('pauses with やめる, keeps the draft, and resumes where it stopped', () => {
    const c = completeToStep('phone');
    c.send('やめる');
    expect(c.state.active).toBeNull();
    expect(c.effects).toEqual([]);
    expect(c.said).toContain('保存しています');
    c.now = new Date(DURING.getTime() + 5 * 86_400_000);
    c.send('応募');
    expect(c.step).toBe('phone');
    expect(c.said).toContain('前回の続き');
  });

  it('shows help and asks the same question again', () => {
    const c = completeToStep('phone');
    c.send('ヘルプ');
    expect(c.step).toBe('phone');
    expect(c.said).toContain('使い方');
    expect(c.said).toContain('電話番号');
  });

  it('switches to English mid-flow and repeats the question in English', () => {
    const c = completeToStep('phone');
    c.send('English');
    expect(c.language).toBe('en');
    expect(c.said).toContain('Switched to English');
    expect(c.said).toContain('phone number');
  });

  it('changes one answer from the confirmation card and returns to it', () => {
    const c = completeApplication(new Conversation());
    c.choose('change:email');
    expect(c.step).toBe('email');
    c.send('hanako@example.jp');
    expect(c.step).toBe('confirm');
    expect(c.application!.answers.email).toBe('hanako@example.jp');
  });

  it('asks for a founding date when a change opens that branch', () => {
    const c = completeApplication(new Conversation());
    c.choose('change:founding').choose('corporation');
    expect(c.step).toBe('foundingDate');
    c.send({ type: 'date', date: '2024-04-01' });
    expect(c.step).toBe('confirm');
  });

  it('takes a second tap on submit as a duplicate', () => {
    const c = completeApplication(new Conversation()).choose('submit');
    expect(c.state.active).toBeNull();
    c.choose('submit');
    expect(c.effects).toEqual([]);
    expect(c.said).toContain('すでに受け付けています');
  });

  it('lets a submitted application be edited and withdrawn until the deadline, not its eligibility', () => {
    const c = completeApplication(new Conversation()).choose('submit');
    c.send('応募内容');
    expect(c.step).toBe('confirm');
    expect(c.offered).toEqual(['withdraw']);
    const card = c.messages.at(-1)!;
    const changeable = card.type === 'summary' ? card.rows.filter((r) => r.change).map((r) => r.change) : [];
    expect(changeable).not.toContain('change:base');
    expect(changeable).toContain('change:summary');
    c.choose('change:phone').send('043-123-4567');
    expect(c.said).toContain('更新しました');
    c.choose('withdraw');
    expect(c.step).toBe('withdraw');
    c.choose('yes');
    expect(c.effects).toEqual([{ type: 'withdrawApplication' }]);
    c.send('応募');
    expect(c.offered).toEqual(['submit']);
    c.choose('submit');
    expect(c.said).toContain('BC2026-0001');
  });

  it('says the contest is closed after the deadline', () => {
    const c = completeToStep('phone');
    c.now = new Date('2027-04-01T00:00:00+09:00');
    c.send('090-1234-5678');
    expect(c.said).toContain('締め切りました');
    expect(c.effects).toEqual([]);
    expect(c.state.active).toBeNull();
  });

  it('says the call has not opened yet before it opens', () => {
    const c = new Conversation(new Date('2026-05-01T00:00:00+09:00')).send('応募');
    expect(c.said).toContain('から始まります');
  });
});

describe('outside a flow', () => {
  it('greets a new follower with the menu', () => {
    const c = new Conversation().send({ type: 'follow' });
    expect(c.said).toContain('はじめまして');
    expect(c.offered).toContain('cmd:apply');
  });

  it('welcomes back someone who unblocked the account', () => {
    expect(new Conversation().send({ type: 'follow', returning: true }).said).toContain('おかえりなさい');
  });

  it('is never silent: anything not understood gets what the bot can do; the second time in a row, the menu leads with staff, and nobody is handed over unasked', () => {
    const c = new Conversation().send('セミナーの予定を知りたい');
    expect(c.said).toContain('うまく読み取れませんでした');
    expect(c.said).toContain('応募内容の確認・変更ができます');
    expect(c.offered).toEqual(['cmd:apply', 'cmd:review', 'cmd:help', 'cmd:staff', 'cmd:lang-en']);
    expect(c.state.misunderstood).toBe(1);
    c.send('相談会はありますか？');
    expect(c.effects).toEqual([]);
    expect(c.said).toContain('「スタッフに相談」からスタッフに送れます');
    expect(c.said).toContain('平日 9:00〜17:00');
    expect(c.offered[0]).toBe('cmd:staff');
    expect(c.offered).toContain('cmd:apply');
    c.choose('cmd:staff');
    expect(c.effects).toEqual([{ type: 'openHandoff', reason: 'misunderstood' }]);
    expect(c.state.misunderstood).toBe(0);
  });

  it('says where to ask instead when no one can take the conversation over, and never falls silent', () => {
    const c = new Conversation();
    c.handoffAvailable = false;
    c.send('スタッフと話したい');
    expect(c.effects).toEqual([]);
    expect(c.said).toContain('チャットでスタッフにおつなぎできません');
    c.send('あの').send('えっと').send('その');
    expect(c.effects).toEqual([]);
    expect(c.said).toContain('うまく読み取れませんでした');
    // In a flow, the question comes again after the contact, so the next answer is to what they see.
    c.send('応募').choose('yes');
    const step = c.step;
    c.send('スタッフと話したい');
    expect(c.step).toBe(step);
    expect(c.messages.length).toBeGreaterThan(1);
  });

  it('does not hand over for stickers: only typed messages the bot did not understand count', () => {
    const c = new Conversation().send({ type: 'unsupported', what: 'sticker' }).send({ type: 'unsupported', what: 'sticker' });
    expect(c.effects).toEqual([]);
    expect(c.state.misunderstood).toBe(0);
  });

  it('hands over to a person when asked and says when staff answer; the draft waits, and what the person writes goes to staff', () => {
    const monday = new Date('2026-11-30T10:00:00+09:00');
    const c = new Conversation(monday).send('応募').choose('yes');
    c.send('スタッフと話したい');
    expect(c.effects).toEqual([{ type: 'openHandoff', reason: 'asked' }]);
    expect(c.said).toContain('受付時間（平日 9:00〜17:00');
    expect(c.said).toContain('「メニュー」「応募」などはこれまでどおり使えます');
    expect(c.state.active).toBeNull();
    expect(c.offered).toContain('cmd:endHandoff');
    for (const input of ['締切はいつ？', 'よろしくお願いします']) {
      c.send(input);
      expect(c.messages).toEqual([]);
      expect(c.effects).toEqual([{ type: 'forwardToStaff' }]);
    }
  });

  it('keeps the menu words working during a conversation with staff, and says the conversation stays open', () => {
    const c = new Conversation().send('応募').choose('yes').send('スタッフ');
    c.send('メニュー');
    expect(c.effects).toEqual([]);
    expect(c.said).toContain('スタッフとの相談は続いています');
    expect(c.offered).toContain('cmd:apply');
    c.send('応募');
    expect(c.said).toContain('前回の続きから再開します');
    expect(c.said).toContain('スタッフとの相談も続いています');
    expect(c.step).toBe('base');
    c.choose('now');
    expect(c.step).toBe('municipality');
    expect(c.effects).toEqual([{ type: 'saveAnswers', answers: { base: 'now' } }]);
    c.send('やめる');
    c.send('まだ質問があります');
    expect(c.effects).toEqual([{ type: 'forwardToStaff' }]);
    c.send('スタッフ');
    expect(c.said).toContain('スタッフとの相談はつながっています');
    expect(c.effects).toEqual([]);
  });

  it('lets the person end the conversation with staff themselves', () => {
    const c = new Conversation().send('スタッフ');
    c.send('相談を終える');
    expect(c.effects).toEqual([{ type: 'endHandoff' }]);
    expect(c.said).toContain('相談を終了しました');
    expect(c.offered).toContain('cmd:staff');
    c.send('相談を終える');
    expect(c.effects).toEqual([]);
    expect(c.said).toContain('相談は開いていません');
  });

  it('says outside office hours when staff will answer', () => {
    const c = new Conversation(new Date('2026-12-04T19:30:00+09:00')).send('スタッフ');
    expect(c.said).toContain('受付時間外');
    expect(c.said).toContain('12月7日(月) 9:00');
  });

  it('starts the application from the menu button', () => {
    expect(new Conversation().choose('cmd:apply').step).toBe('consent');
  });

  it('says there is no application yet when asked to review one', () => {
    expect(new Conversation().send('応募内容').said).toContain('まだ応募はありません');
  });
});

function completeToStep(step: string): Conversation {
  const c = new Conversation().send('応募').choose('yes').choose('now').send('船橋市').choose('notYet');
  const script: Array<[string, () => void]> = [
    ['name', () => c.send('千葉 太郎')], ['furigana', () => c.send('ちば たろう')],
    ['email', () => c.send('taro@example.jp')], ['phone', () => c.send('090-1234-5678')],
    ['ageBand', () => c.choose('30s')], ['occupation', () => c.choose('founder')],
    ['businessName', () => c.send('ちばラボ')], ['planTitle', () => c.send('工房')], ['category', () => c.choose('tourism')],
    ['summary', () => c.send('概要')], ['problem', () => c.send('課題')], ['document', () => c.choose('later')],
  ];
  for (const [id, answer] of script) {
    if (id === step) return c;
    answer();
  }
  return c;
}
