import {
  loadOpenApiDocument,
  sharedSpecPath,
  validateRequest,
  validateSchema,
  type ValidationResult,
} from './openapi-validator.ts';

/**
 * Checks against Discord's official OpenAPI definition (`shared/specs/discord`).
 *
 * ```ts
 * expect(validateDiscordRequest('POST', '/api/v10/channels/123/messages', { content: 'hi' }))
 *   .toEqual({ ok: true });
 * ```
 */

/**
 * Validates a REST request body. The spec's paths are relative to the versioned base
 * `https://discord.com/api/v10`; `path` may include that base (`/api/v10/channels/1/messages`,
 * as discord.js sends it), omit it (`/channels/1/messages`), or be the full URL.
 * `body === undefined` means the request has no body.
 */
export function validateDiscordRequest(method: string, path: string, body?: unknown): ValidationResult {
  return validateRequest(loadOpenApiDocument(sharedSpecPath('discord', 'openapi.json')), method, path, body);
}

/** Validates a value against any schema of the document, e.g. `'MessageCreateRequest'`. */
export function validateDiscordSchema(schemaName: string, value: unknown): ValidationResult {
  return validateSchema(loadOpenApiDocument(sharedSpecPath('discord', 'openapi.json')), schemaName, value);
}
