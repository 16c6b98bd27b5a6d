/**
 * Event tickets: the content of the ticket's QR code and the last part of its image URL.
 * A token holds no personal data, only
 *
 *   version (1 byte) ‖ registration id (16 bytes) ‖ nonce (16 random bytes) ‖ MAC (16 bytes)
 *
 * as base64url (66 characters). The MAC is HMAC-SHA256 of the first 33 bytes under a key
 * derived from the master key for tickets alone (Sealer.sign), cut to 128 bits (RFC 2104
 * §5), so nobody without the key can make one, and an altered token is refused without a
 * database read. The nonce is stored on the registration and renewed whenever the person
 * registers anew: a token is valid only while its registration holds a place and carries
 * that nonce, so a cancelled registration's ticket never verifies again.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

const VERSION = 1;
const ID_BYTES = 16;
const NONCE_BYTES = 16;
const MAC_BYTES = 16;
const SIGNED_BYTES = 1 + ID_BYTES + NONCE_BYTES;
const TOKEN_BYTES = SIGNED_BYTES + MAC_BYTES;
/** base64url of TOKEN_BYTES (49) without padding. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{66}$/;
const PURPOSE = 'event-ticket';

/** A fresh nonce for a new registration, as stored (`EventRegistration.ticketNonce`). */
export function newTicketNonce(): string {
  return randomBytes(NONCE_BYTES).toString('base64url');
}

/** The token for a registration and its current nonce. */
export function ticketToken(sealer: Sealer, registrationId: string, nonce: string): string {
  const signed = Buffer.concat([Buffer.from([VERSION]), uuidBytes(registrationId), nonceBytes(nonce)]);
  return Buffer.concat([signed, mac(sealer, signed)]).toString('base64url');
}

export type TicketCheck =
  | { valid: true; registrationId: string; eventId: string }
  /** `malformed`: not a token's shape; `forged`: the MAC does not match (made or altered without the key); `revoked`: no place (cancelled, renewed or removed). */
  | { valid: false; reason: 'malformed' | 'forged' | 'revoked' };

/**
 * Whether a token is a genuine ticket of a registration that holds a place now. The MAC
 * is compared in constant time and checked before anything is read, so a guessed or
 * altered token costs one HMAC and tells nothing about which registrations exist.
 */
export async function verifyTicketToken(db: SqlClient, sealer: Sealer, token: string): Promise<TicketCheck> {
  const signed = signedPart(sealer, token);
  if (signed === 'malformed' || signed === 'forged') return { valid: false, reason: signed };
  const rows = await db.rows<Pick<tables.EventRegistration, 'eventId' | 'status' | 'ticketNonce'>>`
    SELECT "eventId", "status"::text AS "status", "ticketNonce" FROM "EventRegistration" WHERE "id" = ${signed.registrationId}::uuid`;
  const row = rows[0];
  if (!row || row.status !== 'registered' || !timingSafeEqual(nonceBytes(row.ticketNonce), signed.nonce)) return { valid: false, reason: 'revoked' };
  return { valid: true, registrationId: signed.registrationId, eventId: row.eventId };
}

/** The token's registration id and nonce once its MAC holds; why not otherwise. */
function signedPart(sealer: Sealer, token: string): { registrationId: string; nonce: Buffer } | 'malformed' | 'forged' {
  if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return 'malformed';
  const bytes = Buffer.from(token, 'base64url');
  // One spelling per token: base64url leaves spare bits in the last character, and a token
  // that differs only there must not count as the same ticket.
  if (bytes.length !== TOKEN_BYTES || bytes.toString('base64url') !== token) return 'malformed';
  if (bytes[0] !== VERSION) return 'malformed';
  const signed = bytes.subarray(0, SIGNED_BYTES);
  if (!timingSafeEqual(mac(sealer, signed), bytes.subarray(SIGNED_BYTES))) return 'forged';
  return { registrationId: uuidText(bytes.subarray(1, 1 + ID_BYTES)), nonce: bytes.subarray(1 + ID_BYTES, SIGNED_BYTES) };
}

/**
 * Where the ticket's QR image is served (bot/http/ticket.route.ts): the token is the
 * unguessable part of the URL, so the URL is as secret as the ticket itself.
 */
export function ticketImageUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/tickets/${token}.png`;
}

/** A ticket as flows show it (flows/event/event-types.ts `TicketFacts`); served from this machine when no public address is known. */
export function ticketFacts(token: string, publicBaseUrl = 'http://127.0.0.1'): { token: string; imageUrl: string } {
  return { token, imageUrl: ticketImageUrl(publicBaseUrl, token) };
}

function mac(sealer: Sealer, signed: Buffer): Buffer {
  return sealer.sign(PURPOSE, signed).subarray(0, MAC_BYTES);
}

function uuidBytes(id: string): Buffer {
  const hex = id.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error('a registration id is a UUID');
  return Buffer.from(hex, 'hex');
}

function uuidText(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function nonceBytes(nonce: string): Buffer {
  const bytes = Buffer.from(nonce, 'base64url');
  if (bytes.length !== NONCE_BYTES) throw new Error('a ticket nonce is 16 bytes');
  return bytes;
}
