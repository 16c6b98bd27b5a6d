/**
 * A flow module that exists only in tests, added through the public registry API
 * (createFlowEngine, programSchemaOf) without touching any engine file: a raffle. Its
 * entry word 「くじ」 draws once; the menu offers it while the raffle is open and the
 * person has not drawn; drawing is an effect whose outcome (won, or the refusals
 * `closed` and `already`) the module answers from.
 */
import { z } from 'zod';
import type { FlowModule, FlowOutcome, FlowMessage, ModuleDeps, Text } from '../../flows/index.ts';

export interface RaffleTypes {
  facts: { drawn: boolean };
  config: { open: boolean } | undefined;
  effect: { type: 'raffle.draw' };
  outcome:
    | { effect: 'raffle.draw'; result: 'won'; facts: { prize: string } }
    | { effect: 'raffle.draw'; result: 'closed' | 'already' };
}

type RaffleDeps = ModuleDeps<'raffle', RaffleTypes>;

const say = (ja: string, en = ja): FlowMessage => ({ type: 'text', text: { literal: { ja, en } } });
const end = (messages: FlowMessage[]): FlowOutcome<RaffleTypes['effect']> => ({ state: null, messages, effects: [] });

function start(deps: RaffleDeps): FlowOutcome<RaffleTypes['effect']> {
  if (!deps.program.raffle?.open) return end([say('くじ引きは終了しました。', 'The raffle is over.')]);
  if (deps.facts.raffle.drawn) return end([say('くじはもう引きました。', 'You have drawn already.')]);
  return { state: null, messages: [say('くじを引きます…', 'Drawing…')], effects: [{ type: 'raffle.draw' }], continuation: 'drawn' };
}

const label: Text = { literal: { ja: 'くじを引く', en: 'Raffle' } };

export const raffleModule: FlowModule<'raffle', RaffleTypes> = {
  id: 'raffle',
  flows: [{
    id: 'raffle-draw',
    start,
    handle: (_state, _input, deps) => start(deps),
    back: (_state, deps) => start(deps),
    repeat: (_state, deps) => start(deps),
    offers: () => [],
  }],
  entries: [{ id: 'raffle', flow: 'raffle-draw', words: { ja: ['くじ', 'くじを引く'], en: ['raffle'] } }],
  menu: [{ entry: 'raffle', order: 15, label: () => label, when: (deps) => (deps.program.raffle?.open ?? false) && !deps.facts.raffle.drawn }],
  // A section added after programs were written: optional, so today's program files load.
  config: z.object({ open: z.boolean() }).optional(),
  answer(continuation, outcomes) {
    const drawn = outcomes.find((o) => o.effect === 'raffle.draw');
    if (continuation !== 'drawn' || !drawn) throw new Error(`raffle: nothing to answer for ${continuation}`);
    if (drawn.result === 'won') return { messages: [say(`当たり！景品は${drawn.facts.prize}です。`, `You won: ${drawn.facts.prize}.`)] };
    if (drawn.result === 'already') return { messages: [say('くじはもう引きました。', 'You have drawn already.')] };
    return { messages: [say('ちょうど締め切りました。', 'It has just closed.')] };
  },
};
