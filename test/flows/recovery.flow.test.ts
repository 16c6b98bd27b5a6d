import { describe, expect, it } from 'vitest';
import { MY_NUMBER_MARK } from '../../flows/validators/my-number.ts';
import { completeApplication, Conversation } from '../support/flow-harness.ts';

const pdf = (id: string) => ({ type: 'file' as const, fileName: 'plan.pdf', sizeBytes: 120_000, isPdf: true, sourceMessageId: id });

function submittedWithDocumentLater(): Conversation {
  const c = new Conversation().send('応募').choose('yes').choose('now').send('船橋市').choose('notYet')
    .send('千葉 太郎').send('ちば たろう').send('taro@example.jp').send('090-1234-5678')
    .choose('30s').choose('founder').send('ちばラボ').send('房総の空き家を工房に').choose('tourism')
    .send('空き家を改装し、職人の工房として貸し出します。').send('空き家の増加と若い職人の不足。')
    .choose('later').choose('yes').choose('sns');
  return c.choose('submit');
}

describe('a plan document sent later', () => {
  it('says at submission that the document is still missing and how to send it', () => {
    const c = submittedWithDocumentLater();
    expect(c.said).toContain('受付番号：BC2026-0001');
    expect(c.said).toContain('事業計画書（PDF）はまだ届いていません');
    expect(c.said).toContain('このトークにPDFファイルを送ってください');
  });

  it('takes a PDF sent after submission as that document, with a confirmation', () => {
    const c = submittedWithDocumentLater();
    c.send(pdf('late-1'));
    expect(c.effects).toEqual([
      { type: 'saveAnswers', answers: expect.objectContaining({ document: 'attached' }) },
      { type: 'attachDocument', sourceMessageId: 'late-1' },
    ]);
    expect(c.said).toContain('事業計画書「plan.pdf」を受け取り、応募（受付番号 BC2026-0001）に追加しました');
    expect(c.state.active).toBeNull();
    c.send(pdf('late-2'));
    expect(c.effects).toEqual([]);
    expect(c.said).toContain('事業計画書はすでに届いています');
  });

  it('refuses a late file that is not a PDF with the reason, and asks for it again', () => {
    const c = submittedWithDocumentLater();
    c.send({ type: 'file', fileName: 'plan.docx', sizeBytes: 2_000, isPdf: false, sourceMessageId: 'w-1' });
    expect(c.effects).toEqual([]);
    expect(c.said).toContain('PDFファイルのみ受け付けています');
    c.send(pdf('late-3'));
    expect(c.effects).toContainEqual({ type: 'attachDocument', sourceMessageId: 'late-3' });
  });

  it('takes a PDF sent at another question of a draft as the document, then asks that question again', () => {
    const c = new Conversation().send('応募').choose('yes').choose('now').send('船橋市').choose('notYet').send('千葉 太郎');
    expect(c.step).toBe('furigana');
    c.send(pdf('early-1'));
    expect(c.effects).toContainEqual({ type: 'attachDocument', sourceMessageId: 'early-1' });
    expect(c.said).toContain('「plan.pdf」を受け取りました');
    expect(c.step).toBe('furigana');
    expect(c.application!.answers.document).toBe('attached');
  });

  it('tells someone without an application how to start', () => {
    const c = new Conversation().send(pdf('x-1'));
    expect(c.said).toContain('まだ応募がありません');
    expect(c.effects).toEqual([]);
  });

  it('goes to the application during a conversation with staff too; another file goes to staff', () => {
    const c = submittedWithDocumentLater();
    c.send('スタッフ');
    c.send(pdf('late-4'));
    expect(c.effects).toContainEqual({ type: 'attachDocument', sourceMessageId: 'late-4' });
    c.send(pdf('late-5'));
    expect(c.effects).toEqual([{ type: 'forwardToStaff' }]);
    const stranger = new Conversation().send('スタッフ').send(pdf('x-2'));
    expect(stranger.effects).toEqual([{ type: 'forwardToStaff' }]);
  });
});

describe('after an unsend', () => {
  it('asks for exactly the answer taken back, now, with its buttons, and goes on where the person was', () => {
    const c = new Conversation().send('応募').choose('yes').choose('now').send('船橋市');
    expect(c.step).toBe('founding');
    c.application = { ...c.application!, answers: { base: 'now' } };
    c.send({ type: 'unsent', removed: ['municipality'] });
    expect(c.said).toContain('「市町村」の回答を取り消しました');
    expect(c.step).toBe('municipality');
    c.send('市川市');
    expect(c.step).toBe('founding');
    expect(c.offered).toEqual(['notYet', 'corporation', 'sole', 'soleThenCorp']);
  });

  it('asks a submitted application for the removed answer and comes back to the card', () => {
    const c = completeApplication(new Conversation()).choose('submit');
    const { email: _gone, ...rest } = c.application!.answers;
    c.application = { ...c.application!, answers: rest };
    c.send({ type: 'unsent', removed: ['email'] });
    expect(c.said).toContain('「メール」の回答を取り消しました');
    expect(c.step).toBe('email');
    c.send('hanako@example.jp');
    expect(c.said).toContain('更新しました');
    expect(c.step).toBe('confirm');
  });

  it('keeps an eligibility answer of a submitted application, says why, and never asks it again', () => {
    const c = completeApplication(new Conversation()).choose('submit');
    c.send({ type: 'unsent', removed: [], kept: ['municipality'] });
    expect(c.said).toContain('「市町村」は応募資格の確認に使ったため、提出後は取り消せません');
    expect(c.effects).toEqual([]);
    // Even a stale question for it is not taken after submission.
    c.state = { active: { flowId: 'contest-application', stepId: 'municipality' }, misunderstood: 0 };
    c.send('館山市');
    expect(c.said).toContain('提出後は変更できません');
    expect(c.application!.answers.municipality).toBe('船橋市');
    expect(c.effects).toEqual([]);
  });

  it('asks for the document again with its "send later" button', () => {
    const c = completeApplication(new Conversation());
    const { document: _gone, ...rest } = c.application!.answers;
    c.application = { ...c.application!, answers: rest, hasDocument: false };
    c.send({ type: 'unsent', removed: ['document'] });
    expect(c.said).toContain('送信を取り消しました');
    expect(c.offered).toEqual(['later']);
  });

  it('says nothing when the message taken back was no answer, or staff have the conversation', () => {
    const c = new Conversation().send('応募');
    c.send({ type: 'unsent', removed: [] });
    expect(c.messages).toEqual([]);
    expect(c.step).toBe('consent');
  });

  it('after the deadline, says the answer cannot be given again here', () => {
    const c = completeApplication(new Conversation()).choose('submit');
    const { email: _gone, ...rest } = c.application!.answers;
    c.application = { ...c.application!, answers: rest };
    c.now = new Date('2027-04-02T10:00:00+09:00');
    c.send({ type: 'unsent', removed: ['email'] });
    expect(c.said).toContain('締切を過ぎているため');
    expect(c.state.active).toBeNull();
  });
});

describe('what people type, understood', () => {
  it.each([
    ['法人', 'corporation'], ['会社', 'corporation'], ['個人事業主', 'sole'], ['まだ', 'notYet'], ['法人化', 'soleThenCorp'],
  ])('takes 「%s」 at the founding status as %s', (typed, value) => {
    const c = new Conversation().send('応募').choose('yes').choose('now').send('船橋市').send(typed);
    expect(c.application!.answers.founding).toBe(value);
  });

  it.each([['35', '30s'], ['35歳', '30s'], ['２９', 'u29'], ['64才', '60plus'], ['40代', '40s']])('takes 「%s」 at the age question as %s', (typed, band) => {
    const c = completeApplication(new Conversation());
    c.choose('change:ageBand').send(typed);
    expect(c.application!.answers.ageBand).toBe(band);
  });

  it('refuses an emoji-only name', () => {
    const c = new Conversation().send('応募').choose('yes').choose('now').send('船橋市').choose('notYet').send('😀😀');
    expect(c.step).toBe('name');
    expect(c.said).toContain('文字でお答えください');
  });

  it('takes 「かしわし」 as 柏市', () => {
    const c = new Conversation().send('応募').choose('yes').choose('now').send('かしわし');
    expect(c.application!.answers.municipality).toBe('柏市');
  });

  it('offers a suggested municipality as a button that answers with it', () => {
    const c = new Conversation().send('応募').choose('yes').choose('now').send('船檎市');
    expect(c.said).toContain('もしかして：船橋市');
    expect(c.offered).toEqual(['say:船橋市']);
    c.choose('say:船橋市');
    expect(c.application!.answers.municipality).toBe('船橋市');
    expect(c.step).toBe('founding');
  });
});

describe('an Individual Number cut out at the edge', () => {
  it('is refused in any answer, the e-mail address included', () => {
    const c = new Conversation().send('応募').choose('yes').choose('now').send('船橋市').choose('notYet')
      .send('千葉 太郎').send('ちば たろう');
    c.send(`${MY_NUMBER_MARK}@example.jp`);
    expect(c.step).toBe('email');
    expect(c.said).toContain('マイナンバー');
    expect(c.application!.answers.email).toBeUndefined();
  });

  it('is explained outside a flow, and during a conversation with staff', () => {
    const c = new Conversation().send(`番号は${MY_NUMBER_MARK}です`);
    expect(c.said).toContain('その部分は受け取らずに削除しました');
    c.send('スタッフ').send(`番号は${MY_NUMBER_MARK}です`);
    expect(c.effects).toEqual([{ type: 'forwardToStaff' }]);
    expect(c.said).toContain('番号は削除して、スタッフにお伝えしました');
  });
});

describe('wording', () => {
  it('asks for the plan PDF saying "send" once, with its limit and the way to send it later', () => {
    const c = new Conversation().send('応募').choose('yes').choose('now').send('船橋市').choose('notYet')
      .send('千葉 太郎').send('ちば たろう').send('taro@example.jp').send('090-1234-5678').choose('30s').choose('founder')
      .send('ちばラボ').send('房総の空き家を工房に').choose('tourism').send('概要です。').send('課題です。');
    expect(c.step).toBe('document');
    expect(c.said.match(/送って/g)).toHaveLength(1);
    expect(c.said).toContain('（PDF・10MBまで）');
    expect(c.said).toContain('「あとで送る」を選べます');
  });

  it('says in one line what the entrepreneur development workshop is', () => {
    const c = new Conversation().send('応募').choose('yes').choose('now').send('船橋市').choose('notYet')
      .send('千葉 太郎').send('ちば たろう').send('taro@example.jp').send('090-1234-5678').choose('30s').choose('founder')
      .send('ちばラボ').send('房総の空き家を工房に').choose('tourism').send('概要です。').send('課題です。').choose('later');
    expect(c.step).toBe('workshop');
    expect(c.said).toContain('「ちば起業家育成事業」を受講しましたか？\n（県が開く、起業を目指す方のための連続講座です）');
  });
});

describe('contact and menu', () => {
  it('gives the office contact in help, in the ineligible answer and when no one can take a chat', () => {
    const c = new Conversation().send('ヘルプ');
    expect(c.said).toContain('お問い合わせ');
    expect(c.said).toMatch(/電話 \S+/);
    c.send('応募').choose('yes').choose('none');
    expect(c.said).toContain('今回はご応募いただけません');
    expect(c.said).toMatch(/電話 \S+/);
    c.handoffAvailable = false;
    c.send('スタッフ');
    expect(c.said).toMatch(/電話 \S+/);
  });

  it('no longer leads with "apply" once the deadline has passed', () => {
    const c = new Conversation(new Date('2027-04-02T10:00:00+09:00')).send('メニュー');
    expect(c.offered).toEqual(['cmd:review', 'cmd:help', 'cmd:staff', 'cmd:lang-en']);
  });

  it('answers a tap on 「この内容で確定」 from an old card kindly', () => {
    const c = completeApplication(new Conversation()).choose('submit').choose('done');
    expect(c.said).toContain('変更はすでに反映されています');
  });
});
