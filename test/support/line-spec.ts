import {
  loadOpenApiDocument,
  sharedSpecPath,
  validateRequest,
  validateSchema,
  type ValidationResult,
} from './openapi-validator.ts';

/**
 * Checks against LINE's official OpenAPI definitions (`shared/specs/line`), so tests fail
 * when our payloads drift from what the platform sends or accepts.
 *
 * ```ts
 * expect(validateLineWebhook(body)).toEqual({ ok: true });
 * expect(validateLineRequest('POST', '/v2/bot/message/reply', body)).toEqual({ ok: true });
 * ```
 */

/** Validates a webhook body (what LINE POSTs to us) against `CallbackRequest`. */
export function validateLineWebhook(body: unknown): ValidationResult {
  return validateSchema(loadOpenApiDocument(sharedSpecPath('line', 'webhook.yml')), 'CallbackRequest', body);
}

/**
 * Validates a Messaging API request body (what we send to LINE). `path` is the path
 * without host (`/v2/bot/message/push`); content downloads such as
 * `/v2/bot/message/{messageId}/content` live on `api-data.line.me` and are in the same
 * document. A full URL is accepted too, and then its host must be the one LINE serves
 * the operation from. `body === undefined` means the request has no body.
 */
export function validateLineRequest(method: string, path: string, body?: unknown): ValidationResult {
  return validateRequest(loadOpenApiDocument(sharedSpecPath('line', 'messaging-api.yml')), method, path, body);
}

/** Validates a value against any schema of the Messaging API document, e.g. `'Message'`. */
export function validateLineSchema(schemaName: string, value: unknown): ValidationResult {
  return validateSchema(loadOpenApiDocument(sharedSpecPath('line', 'messaging-api.yml')), schemaName, value);
}
