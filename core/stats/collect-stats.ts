import type { PrismaClient } from '../db/types.ts';

export type Stats = Record<string, Record<string, number>>;

/** Counts per entity and status: the figures the completion report needs. Never personal data. */
export async function collectStats(prisma: PrismaClient, contestId: string): Promise<Stats> {
  const [applications, participants, unreachable, consents, outbox, inbox, audit] = await Promise.all([
    prisma.application.groupBy({ by: ['status'], where: { contestId }, _count: { _all: true } }),
    prisma.participant.count(),
    prisma.participant.count({ where: { unreachableAt: { not: null } } }),
    prisma.consent.groupBy({ by: ['granted'], _count: { _all: true } }),
    prisma.outboxMessage.groupBy({ by: ['status'], _count: { _all: true } }),
    prisma.inboxEvent.groupBy({ by: ['status'], _count: { _all: true } }),
    prisma.auditLog.count(),
  ]);
  const byStatus = (rows: Array<{ status: string; _count: { _all: number } }>, statuses: string[]) =>
    Object.fromEntries(statuses.map((s) => [s, rows.find((r) => r.status === s)?._count._all ?? 0]));
  return {
    applications: byStatus(applications, ['draft', 'submitted', 'withdrawn']),
    participants: { total: participants, unreachable },
    consents: {
      granted: consents.find((c) => c.granted)?._count._all ?? 0,
      refused: consents.find((c) => !c.granted)?._count._all ?? 0,
    },
    outbox: byStatus(outbox, ['pending', 'sent', 'skipped', 'failed']),
    webhookEvents: byStatus(inbox, ['pending', 'processed', 'ignored', 'failed']),
    audit: { rows: audit },
  };
}
