import type { ErrorRequestHandler } from 'express';
import { errorFields } from '../../core/error-fields.ts';
import type { Logger } from '../../core/logger.ts';

/**
 * The one place an HTTP failure becomes a status: malformed or oversized bodies are the
 * sender's fault (4xx); anything else is ours (500), logged with the error's class and
 * code (never its message or the request body, either of which can hold personal data).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error({ method: req.method, path: req.path, err: errorFields(error) }, 'request failed');
    if (res.headersSent) return;
    res.status(status).json({ message: status === 500 ? 'internal error' : (error?.type ?? 'bad request') });
  };
}
