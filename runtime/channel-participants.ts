/**
 * A channel's people as participants: found by the id the channel knows them by, made on
 * first contact in the channel's first language, and remembered (ids never change).
 */
import type { Language } from '../flows/index.ts';
import type { SqlClient } from '../core/db/types.ts';
import {
  ensureDiscordParticipant, ensureLineParticipant, findDiscordParticipant, findLineParticipant, type ParticipantRef,
} from '../core/participants/participant.service.ts';
import type { ChannelName } from '../channels/channel-adapter.ts';

const BY_CHANNEL: Record<ChannelName, {
  find(db: SqlClient, userId: string): Promise<ParticipantRef | null>;
  ensure(db: SqlClient, userId: string, language: Language, now: Date): Promise<ParticipantRef>;
}> = {
  line: { find: findLineParticipant, ensure: ensureLineParticipant },
  discord: { find: findDiscordParticipant, ensure: ensureDiscordParticipant },
};

/** Participant ids remembered by channel user id; forgotten all at once past this. */
const MAX_REMEMBERED = 100_000;

/**
 * @example
 * const participants = new ChannelParticipants('line', db, (userId) => adapter.firstLanguage(userId), clock);
 * const participantId = await participants.idOf(lineUserId);
 */
export class ChannelParticipants {
  readonly #ids = new Map<string, string>();

  constructor(
    private readonly channel: ChannelName,
    private readonly db: SqlClient,
    private readonly firstLanguage: (userId: string) => Promise<Language>,
    private readonly clock: () => Date,
  ) {}

  /** The participant's id, made now if the person is new. */
  async idOf(userId: string): Promise<string> {
    const remembered = this.#ids.get(userId);
    if (remembered) return remembered;
    const { find, ensure } = BY_CHANNEL[this.channel];
    const participant = await find(this.db, userId) ?? await ensure(this.db, userId, await this.firstLanguage(userId), this.clock());
    if (this.#ids.size > MAX_REMEMBERED) this.#ids.clear();
    this.#ids.set(userId, participant.id);
    return participant.id;
  }

  /** The participant as stored now (their language may have changed), or null for someone never met; `db` may be a turn's transaction. */
  find(userId: string, db: SqlClient = this.db): Promise<ParticipantRef | null> {
    return BY_CHANNEL[this.channel].find(db, userId);
  }
}
