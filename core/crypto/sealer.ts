/**
 * Sealing of personal data at rest: AES-256-GCM with a fresh 96-bit nonce per value,
 * and the value's place (`context`, e.g. "application:<id>:answers") bound in as
 * additional authenticated data, so a sealed value copied to another row fails to open.
 * Exact lookups use a keyed blind index (HMAC-SHA256) instead of the clear value.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value was altered, or opened with the wrong key or context. */
export class SealBrokenError extends Error {
  override name = 'SealBrokenError';
}

export class Sealer {
  readonly #encryptionKey: Buffer;
  readonly #indexKey: Buffer;
  readonly #masterKey: Buffer;
  readonly #signingKeys = new Map<string, Buffer>();

  /** `masterKey` must be 32 bytes; separate keys for sealing, indexing and each kind of signature are derived from it. */
  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the encryption key must be 32 bytes');
    this.#encryptionKey = derive(masterKey, 'ouen seal v1');
    this.#indexKey = derive(masterKey, 'ouen blind index v1');
    this.#masterKey = Buffer.from(masterKey);
  }

  seal(text: string, context: string): string {
    return `${VERSION}.${this.sealBytes(Buffer.from(text, 'utf8'), context).toString('base64url')}`;
  }

  open(sealed: string, context: string): string {
    const [version, body] = sealed.split('.');
    if (version !== VERSION || body === undefined) throw new SealBrokenError(`unknown seal format in ${context}`);
    return this.openBytes(Buffer.from(body, 'base64url'), context).toString('utf8');
  }

  /** nonce ‖ ciphertext ‖ tag */
  sealBytes(plain: Buffer, context: string): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#encryptionKey, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([nonce, body, cipher.getAuthTag()]);
  }

  openBytes(sealed: Buffer, context: string): Buffer {
    if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new SealBrokenError(`sealed value too short in ${context}`);
    const decipher = createDecipheriv('aes-256-gcm', this.#encryptionKey, sealed.subarray(0, NONCE_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new SealBrokenError(`sealed value in ${context} was altered or the key is wrong`);
    }
  }

  sealJson(value: unknown, context: string): string {
    return this.seal(JSON.stringify(value), context);
  }

  openJson<T>(sealed: string, context: string): T {
    return JSON.parse(this.open(sealed, context)) as T;
  }

  /** Deterministic keyed digest of a normalised value; `kind` keeps indexes of different fields apart. */
  blindIndex(kind: string, normalizedValue: string): string {
    return createHmac('sha256', this.#indexKey).update(`${kind}\u0000${normalizedValue}`).digest('base64url');
  }

  /**
   * HMAC-SHA256 of `data` under a key of its own for `purpose` (e.g. `event-ticket`),
   * derived from the master key apart from the sealing and index keys: a leaked token
   * signature says nothing about them, and purposes cannot stand in for each other.
   */
  sign(purpose: string, data: Buffer): Buffer {
    let key = this.#signingKeys.get(purpose);
    if (!key) {
      key = derive(this.#masterKey, `ouen signature v1 ${purpose}`);
      this.#signingKeys.set(purpose, key);
    }
    return createHmac('sha256', key).update(data).digest();
  }
}

function derive(masterKey: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
}
