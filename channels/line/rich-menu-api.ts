/**
 * LINE's rich-menu endpoints over the official SDK's clients (MessagingApiClient for the
 * menus and links, MessagingApiBlobClient for the image on the data API), pointed at a
 * configurable base URL like channels/line/line-api.ts. Failures come out as
 * {@link LineApiError} with LINE's status and `Retry-After`, so the worker classifies them
 * with the same rule as pushes (runtime/delivery-failure.ts).
 *
 * Bulk link and unlink are asynchronous at LINE: 202 means accepted, not done; the menu
 * appears on each person's phone shortly after (Messaging API reference, "Link rich menu
 * to multiple users").
 */
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import type { RichMenuDefinition } from '../../core/rich-menu/rich-menu-definition.ts';
import { LineApiError, type LineApiConfig } from './line-api.ts';

/** LINE: at most 500 user ids per bulk link or unlink. */
export const BULK_LINK_MAX = 500;

/** A menu as LINE lists it; `name` is how ouen recognises its own. */
export interface PublishedRichMenu {
  richMenuId: string;
  name: string;
}

export class LineRichMenuApi {
  readonly #client: messagingApi.MessagingApiClient;
  readonly #blob: messagingApi.MessagingApiBlobClient;
  readonly #timeoutMs: number;

  constructor(config: LineApiConfig) {
    if (!config.channelAccessToken) throw new Error('LineRichMenuApi needs a channel access token');
    this.#client = new messagingApi.MessagingApiClient({ channelAccessToken: config.channelAccessToken, baseURL: config.apiBaseUrl });
    this.#blob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: config.channelAccessToken, baseURL: config.dataApiBaseUrl });
    this.#timeoutMs = config.timeoutMs ?? 10_000;
  }

  /** Creates the menu (without its image: it cannot be shown until {@link uploadImage}). */
  async create(request: messagingApi.RichMenuRequest): Promise<string> {
    const { richMenuId } = await this.#call('rich menu create', () => this.#client.createRichMenu(request));
    return richMenuId;
  }

  async uploadImage(richMenuId: string, png: Buffer): Promise<void> {
    const blob = new Blob([new Uint8Array(png)], { type: 'image/png' });
    await this.#call('rich menu image', () => this.#blob.setRichMenuImage(richMenuId, blob));
  }

  async setDefault(richMenuId: string): Promise<void> {
    await this.#call('rich menu default', () => this.#client.setDefaultRichMenu(richMenuId));
  }

  /** The default menu's id, or null when none is set (LINE answers 404). */
  async defaultId(): Promise<string | null> {
    try {
      return (await this.#call('rich menu default', () => this.#client.getDefaultRichMenuId())).richMenuId;
    } catch (error) {
      if (error instanceof LineApiError && error.status === 404) return null;
      throw error;
    }
  }

  async list(): Promise<PublishedRichMenu[]> {
    const { richmenus } = await this.#call('rich menu list', () => this.#client.getRichMenuList());
    return richmenus.map((menu) => ({ richMenuId: menu.richMenuId, name: menu.name }));
  }

  /** Deletes a menu; one already gone (404) counts as deleted. */
  async delete(richMenuId: string): Promise<void> {
    try {
      await this.#call('rich menu delete', () => this.#client.deleteRichMenu(richMenuId));
    } catch (error) {
      if (error instanceof LineApiError && error.status === 404) return;
      throw error;
    }
  }

  async link(userId: string, richMenuId: string): Promise<void> {
    await this.#call('rich menu link', () => this.#client.linkRichMenuIdToUser(userId, richMenuId));
  }

  async unlink(userId: string): Promise<void> {
    await this.#call('rich menu unlink', () => this.#client.unlinkRichMenuIdFromUser(userId));
  }

  /** Links one menu to up to {@link BULK_LINK_MAX} users in one request (asynchronous at LINE). */
  async bulkLink(richMenuId: string, userIds: readonly string[]): Promise<void> {
    checkBulk(userIds);
    await this.#call('rich menu bulk link', () => this.#client.linkRichMenuIdToUsers({ richMenuId, userIds: [...userIds] }));
  }

  async bulkUnlink(userIds: readonly string[]): Promise<void> {
    checkBulk(userIds);
    await this.#call('rich menu bulk unlink', () => this.#client.unlinkRichMenuIdFromUsers({ userIds: [...userIds] }));
  }

  async #call<T>(what: string, run: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LineApiError(`LINE ${what} timed out after ${this.#timeoutMs} ms`, { code: 'timeout' })), this.#timeoutMs);
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (error) {
      if (error instanceof LineApiError) throw error;
      if (error instanceof HTTPFetchError) {
        const seconds = Number(error.headers.get('retry-after'));
        throw new LineApiError(`LINE ${what} failed with ${error.status}`, {
          status: error.status, retryAfterSeconds: Number.isFinite(seconds) && seconds > 0 ? seconds : undefined,
        });
      }
      throw new LineApiError(`LINE ${what} failed: ${(error as Error).name}`, { code: 'network' });
    } finally {
      clearTimeout(timer);
    }
  }
}

function checkBulk(userIds: readonly string[]): void {
  if (userIds.length === 0 || userIds.length > BULK_LINK_MAX) throw new RangeError(`a bulk rich menu request takes 1–${BULK_LINK_MAX} user ids, not ${userIds.length}`);
}

/**
 * The menu as LINE's create request: each button a tap area whose message action sends
 * the button's word, as if the person had typed it. `name` (never shown to people) carries
 * the stage and the content hash, so a listing tells ouen's menus and their versions apart.
 */
export function richMenuRequest(definition: RichMenuDefinition, hash: string): messagingApi.RichMenuRequest {
  return {
    size: definition.size,
    selected: false,
    name: `ouen:${definition.stage}:${hash.slice(0, 16)}`,
    chatBarText: definition.chatBarText,
    areas: definition.buttons.map((button) => ({
      bounds: button.bounds,
      action: { type: 'message', label: button.label.ja.slice(0, 20), text: button.text },
    })),
  };
}
