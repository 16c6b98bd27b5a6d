/**
 * Applications written straight into the store, sealed as the service seals them, for
 * tests about what staff do with applications (the LINE flow that makes them has tests
 * of its own).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { answersContext } from '../../core/applications/application.repository.ts';
import type { Sealer } from '../../core/crypto/sealer.ts';
import type { PrismaClient } from '../../core/db/index.ts';
import { DURING, program } from './flow-harness.ts';

/** A complete set of answers to the default program's questions. */
export const sampleAnswers = (name: string, municipality: string, workshop: 'yes' | 'no', summary = '地域の農家と飲食店をつなぐ仕組みです。') => ({
  base: 'now', municipality, founding: 'notYet', name, furigana: 'チバ タロウ', email: 'taro@example.jp', phone: '09012345678',
  ageBand: '30s', occupation: 'employee', businessName: 'ちばラボ', planTitle: '地産地消の仕組み', category: 'food-agri', summary,
  problem: '耕作放棄地', document: 'later', workshop, heardFrom: 'sns',
});

export interface SeedOptions {
  receipt: string | null;
  status: 'draft' | 'submitted' | 'withdrawn';
  answers: Partial<ReturnType<typeof sampleAnswers>>;
  /** The participant's LINE user id; a fresh one when absent. */
  lineUserId?: string;
  language?: 'ja' | 'en';
  contestId?: string;
}

/** One participant and their application; returns the application id. */
export async function seedApplication(prisma: PrismaClient, sealer: Sealer, options: SeedOptions): Promise<string> {
  const { answers, status } = options;
  const participant = await prisma.participant.create({
    data: { lineUserId: options.lineUserId ?? `U${randomBytes(16).toString('hex')}`, language: options.language ?? 'ja' },
  });
  const id = randomUUID();
  await prisma.application.create({
    data: {
      id, contestId: options.contestId ?? program.contest.id, participantId: participant.id, status, receiptNumber: options.receipt,
      answersSealed: sealer.sealJson(answers, answersContext(id)), municipality: answers.municipality, category: answers.category,
      workshopOrigin: answers.workshop === 'yes', submittedAt: status === 'draft' ? null : DURING,
    },
  });
  return id;
}
