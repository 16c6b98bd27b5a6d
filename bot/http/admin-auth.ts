/**
 * The admins' credential, until staff have web accounts of their own: one token from the
 * environment (`OUEN_ADMIN_TOKEN`), given as HTTP Basic (any user name, the token as the
 * password: what a browser asks for) or as `Authorization: Bearer <token>` (scripts).
 * Compared in constant time, as line-bot-sdk compares signatures: a length guard, then
 * `timingSafeEqual`.
 *
 * Browsers send Basic credentials on their own, also with requests another site makes
 * them send: a request that changes something must come from this server's own pages
 * (its Origin, when it has one, names the Host it was sent to).
 */
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether `given` is the token, in time that does not depend on where they differ. */
export function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(token, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The credential an Authorization header carries: the Bearer token, or the Basic password. */
export function presentedToken(header: string | undefined): string | undefined {
  const match = /^(Basic|Bearer)\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  if (match[1]!.toLowerCase() === 'bearer') return match[2];
  const decoded = Buffer.from(match[2]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(colon + 1);
}

/** Lets a request through only with the token; `realm` is what the browser's login prompt shows. */
export function adminAuth(token: string, realm = 'ouen admin'): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = presentedToken(req.headers.authorization);
    if (given === undefined || !sameToken(given, token)) {
      res.set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`).status(401).json({ message: 'authentication required' });
      return;
    }
    if (!SAFE_METHODS.has(req.method) && !sameOrigin(req)) {
      res.status(403).json({ message: 'refused: the request came from another site' });
      return;
    }
    next();
  };
}

function sameOrigin(req: Request): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host.toLowerCase() === (req.headers.host ?? '').toLowerCase();
  } catch {
    return false;
  }
}
