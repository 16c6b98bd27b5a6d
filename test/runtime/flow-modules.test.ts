/**
 * A flow module that exists only in tests (test/support/raffle-module.ts), run by the real
 * turn pipeline on real PostgreSQL with a server side defined here: its facts loaded once
 * per batch, its effect handled in the turn's transaction, its answer written from the
 * outcome. Nothing in runtime/ or core/ names it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderLineMessages } from '../../channels/line/render.ts';
import { createFlowEngine, flowModules, type ProgramConfig } from '../../flows/index.ts';
import { contestModule } from '../../flows/contest/contest.module.ts';
import { syncContest } from '../../core/contests/sync-contest.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { transactOn } from '../../core/db/pg-transaction.ts';
import { contestServerModule } from '../../core/modules/contest.server-module.ts';
import type { ServerModule } from '../../core/modules/server-module.ts';
import { serverModules } from '../../core/modules/server-modules.ts';
import { serverRegistry } from '../../core/modules/server-registry.ts';
import { runTurns, type TurnRequest, type TurnResult, type TurnServices } from '../../runtime/run-turn.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { DURING, program } from '../support/flow-harness.ts';
import { raffleModule, type RaffleTypes } from '../support/raffle-module.ts';

let db: TestDatabase;
const sealer = new Sealer(randomBytes(32));

/** Which participants each facts load asked for. */
const loads: string[][] = [];

/** The raffle's server side: who has drawn is in the audit log; drawing writes there. */
const raffleServer: ServerModule<'raffle', RaffleTypes> = {
  id: 'raffle',
  async loadFacts(sql, _scope, participantIds) {
    loads.push([...participantIds]);
    const rows = await sql.rows<{ entityId: string }>`
      SELECT "entityId" FROM "AuditLog" WHERE "action" = 'raffle.drawn' AND "entityId" = ANY(${[...participantIds]}::text[])`;
    const drawn = new Set(rows.map((r) => r.entityId));
    return (participantId) => ({ drawn: drawn.has(participantId) });
  },
  handlers: {
    'raffle.draw': async (_effect, turn) => {
      if (turn.facts.drawn) return { outcome: { effect: 'raffle.draw', result: 'already' } };
      return {
        facts: { drawn: true },
        outcome: { effect: 'raffle.draw', result: 'won', facts: { prize: '図書カード' } },
        audit: [{ actor: turn.actor, action: 'raffle.drawn', entity: 'participant', entityId: turn.participantId }],
      };
    },
  },
};

const services = (): TurnServices => ({
  sql: db.sql, sealer, program: { ...program, raffle: { open: true } } as ProgramConfig,
  modules: { flows: createFlowEngine([contestModule, raffleModule]), server: serverRegistry([contestServerModule, raffleServer]) },
});

beforeAll(async () => {
  db = await createTestDatabase();
  await syncContest(transactOn(db.sql), program, DURING);
});

afterAll(async () => {
  await db?.drop();
});

const participant = () => db.prisma.participant.create({ data: { lineUserId: `U${randomBytes(16).toString('hex')}` } });
const turn = (participantId: string, text: string): TurnRequest => ({
  participantId, input: { type: 'text', text }, now: DURING, render: renderLineMessages, replyWindowMs: 50_000,
});
const rendered = (result: TurnResult | undefined) => JSON.stringify(result && 'rendered' in result ? result.rendered : null);

describe('a flow module run by the turn pipeline', () => {
  it('loads its facts once per batch, handles its effect in the turn and answers from the outcome', async () => {
    const people = await Promise.all(Array.from({ length: 3 }, participant));
    loads.length = 0;
    const results = await runTurns(services(), people.map((p) => turn(p.id, 'くじ')));
    expect(loads).toEqual([people.map((p) => p.id)]);
    for (const result of results) {
      expect(result.status).toBe('done');
      expect(rendered(result)).toContain('くじを引きます…');
      expect(rendered(result)).toContain('当たり！景品は図書カードです。');
    }
    expect(await db.prisma.auditLog.count({ where: { action: 'raffle.drawn' } })).toBe(3);

    // Next time its facts say so: the menu no longer offers it, and the flow says why.
    const [menu, again] = await runTurns(services(), [turn(people[0]!.id, 'メニュー'), turn(people[1]!.id, 'くじ')]);
    expect(rendered(menu)).toContain('cmd:review');
    expect(rendered(menu)).not.toContain('cmd:raffle');
    expect(rendered(again)).toContain('くじはもう引きました。');
    expect(await db.prisma.auditLog.count({ where: { action: 'raffle.drawn' } })).toBe(3);
  });

  it('offers it in the menu to people who have not drawn', async () => {
    const p = await participant();
    const [menu] = await runTurns(services(), [turn(p.id, 'メニュー')]);
    expect(rendered(menu)).toContain('cmd:raffle');
  });
});

describe('the server registry', () => {
  it('pairs every flow module of the program with its server side', () => {
    expect(serverModules.modules.map((m) => m.id)).toEqual(flowModules.map((m) => m.id));
  });

  it('refuses an effect type claimed twice or taken from the engine', () => {
    expect(() => serverRegistry([raffleServer, { ...raffleServer, id: 'lottery' }])).toThrow(/raffle\.draw is handled by both/);
    expect(() => serverRegistry([{ ...raffleServer, handlers: { setLanguage: raffleServer.handlers['raffle.draw'] } } as never])).toThrow(/engine's/);
    expect(() => serverRegistry([raffleServer, raffleServer])).toThrow(/registered twice/);
  });
});
