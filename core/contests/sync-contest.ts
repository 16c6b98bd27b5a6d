import type { ProgramConfig } from '../../flows/program.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { PrismaClient } from '../db/types.ts';

/**
 * Makes the contest row match the program configuration. The receipt counter is never
 * touched here: it only moves forward, with each first submission.
 */
export async function syncContest(prisma: PrismaClient, program: ProgramConfig, now: Date): Promise<void> {
  const { contest } = program;
  const data = {
    name: contest.name.ja,
    receiptPrefix: contest.receiptPrefix,
    opensAt: new Date(contest.opensAt),
    deadline: new Date(contest.deadline),
  };
  await prisma.$transaction(async (tx) => {
    const before = await tx.contest.findUnique({ where: { id: contest.id } });
    const same = before && before.name === data.name && before.receiptPrefix === data.receiptPrefix
      && before.opensAt.getTime() === data.opensAt.getTime() && before.deadline.getTime() === data.deadline.getTime();
    if (same) return;
    await tx.contest.upsert({ where: { id: contest.id }, create: { id: contest.id, ...data }, update: data });
    await appendAudit(tx, [{
      actor: 'system', action: before ? 'contest.updated' : 'contest.created', entity: 'contest', entityId: contest.id,
      detail: { opensAt: contest.opensAt, deadline: contest.deadline, receiptPrefix: contest.receiptPrefix },
    }], now);
  });
}
