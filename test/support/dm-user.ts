/**
 * A Discord user talking to the bot in DMs, against the fake Discord: what they send,
 * and everything the bot answered them (channel messages and interaction responses).
 */
import { expect } from 'vitest';
import { dmChannelOf, dmClick, dmMessage, snowflake, type FakeDiscord, type RecordedDiscordRequest } from './fake-discord.ts';
import { eventually } from './ouen-harness.ts';

export type Body = { content?: string; embeds?: Array<{ title: string; image?: { url: string }; fields?: Array<{ name: string; value: string }> }>; components?: Array<{ components: Array<{ custom_id: string; label?: string; options?: Array<{ value: string }> }> }> };

/** A Discord user talking to the bot: what they send, and everything the bot answered them. */
export class DmUser {
  readonly id = snowflake();

  constructor(private readonly discord: FakeDiscord) {}
  readonly tokens = new Set<string>();

  answers(): Body[] {
    const channel = dmChannelOf(this.id);
    return this.discord.requests.filter((r) => (r.method === 'POST' && r.path === `/channels/${channel}/messages`)
      || [...this.tokens].some((t) => r.path.includes(t) && (r.method === 'PATCH' || r.path === `/webhooks/${this.discord.applicationId}/${t}`)))
      .map((r) => r.body as Body);
  }

  said(): string {
    return this.answers().map((b) => [b.content ?? '', ...(b.embeds ?? []).map((e) => e.title)].join('\n')).join('\n');
  }

  async write(content: string, attachments?: unknown[]): Promise<void> {
    const before = this.answers().length;
    this.discord.dispatch('MESSAGE_CREATE', dmMessage({ userId: this.id, content, ...(attachments ? { attachments } : {}) }));
    await eventually(() => this.answers().length > before);
  }

  /** Clicks the button for `value` on the bot's latest message that offers it (it must be offered). */
  async click(value: string): Promise<RecordedDiscordRequest> {
    const id = `ouen:flow:c:${value}`;
    const offered = this.answers().some((b) => b.components?.some((row) => row.components.some((c) => c.custom_id === id)));
    expect(offered, `a button for ${value}`).toBe(true);
    return this.interact(dmClick({ applicationId: this.discord.applicationId, userId: this.id, customId: id }));
  }

  async interact(interaction: { id: string; token: string }): Promise<RecordedDiscordRequest> {
    this.tokens.add(interaction.token);
    this.discord.dispatch('INTERACTION_CREATE', interaction);
    const callback = await this.discord.waitForRequest((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
    if ((callback.body as { type: number }).type === 5) {
      await this.discord.waitForRequest((r) => r.method === 'PATCH' && r.path.includes(interaction.token));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return callback;
  }
}
