/**
 * What the fake LINE platform knows of rich menus: the menus (with their images), the
 * default, and which user has which menu linked. In memory only (not journaled): after a
 * restart local mode publishes its menus again (runtime/publish-rich-menus.ts sees them
 * missing from the list) and relinks everyone.
 */
import { randomBytes } from 'node:crypto';

export interface FakeRichMenu {
  richMenuId: string;
  size: { width: number; height: number };
  selected: boolean;
  name: string;
  chatBarText: string;
  areas: Array<{ bounds: { x: number; y: number; width: number; height: number }; action: Record<string, unknown> }>;
}

/** A fault the next bulk link answers with (tests of the worker's retry rule). */
export interface RichMenuFault {
  status: number;
  /** Seconds, sent as `Retry-After` (LINE's 429). */
  retryAfter?: number;
}

/** LINE allows 1,000 rich menus per channel. */
export const MAX_RICH_MENUS = 1000;

export class FakeRichMenus {
  readonly #menus = new Map<string, FakeRichMenu>();
  readonly #images = new Map<string, { contentType: string; bytes: Buffer }>();
  readonly #links = new Map<string, string>();
  readonly #bulkFaults: RichMenuFault[] = [];
  #defaultId: string | null = null;

  create(menu: Omit<FakeRichMenu, 'richMenuId'>): FakeRichMenu | null {
    if (this.#menus.size >= MAX_RICH_MENUS) return null;
    const created = { richMenuId: `richmenu-${randomBytes(16).toString('hex')}`, ...menu };
    this.#menus.set(created.richMenuId, created);
    return created;
  }

  get(richMenuId: string): FakeRichMenu | undefined {
    return this.#menus.get(richMenuId);
  }

  list(): FakeRichMenu[] {
    return [...this.#menus.values()];
  }

  /** Removes the menu; whoever had it linked, and the default if it was, fall back as at LINE. */
  delete(richMenuId: string): boolean {
    if (!this.#menus.delete(richMenuId)) return false;
    this.#images.delete(richMenuId);
    for (const [userId, linked] of this.#links) if (linked === richMenuId) this.#links.delete(userId);
    if (this.#defaultId === richMenuId) this.#defaultId = null;
    return true;
  }

  setImage(richMenuId: string, contentType: string, bytes: Buffer): void {
    this.#images.set(richMenuId, { contentType, bytes });
  }

  image(richMenuId: string): { contentType: string; bytes: Buffer } | undefined {
    return this.#images.get(richMenuId);
  }

  get defaultId(): string | null {
    return this.#defaultId;
  }

  setDefault(richMenuId: string | null): void {
    this.#defaultId = richMenuId;
  }

  link(userId: string, richMenuId: string): void {
    this.#links.set(userId, richMenuId);
  }

  unlink(userId: string): void {
    this.#links.delete(userId);
  }

  /** The menu linked to the user alone (not the default). */
  linked(userId: string): string | undefined {
    return this.#links.get(userId);
  }

  /** The menu the user sees: their own, else the default. */
  shownTo(userId: string): FakeRichMenu | undefined {
    const id = this.#links.get(userId) ?? this.#defaultId;
    return id ? this.#menus.get(id) : undefined;
  }

  /** The next bulk links answer these, in order (never journaled; tests only). */
  failNextBulkLinks(...faults: RichMenuFault[]): void {
    this.#bulkFaults.push(...faults);
  }

  takeBulkFault(): RichMenuFault | undefined {
    return this.#bulkFaults.shift();
  }
}
