/**
 * GET /tickets/<token>.png: the QR code of an event ticket, for the ticket card (LINE
 * fetches the image from here; the console shows it). The token is the URL's only
 * secret and is checked on every request (core/events/ticket-token.ts): a forged,
 * altered or cancelled ticket, and anything else, is a plain 404 that says nothing about
 * why. Never cached by shared caches; the path (which holds the token) is never logged.
 */
import express, { type Router } from 'express';
import type { Sealer } from '../../core/crypto/sealer.ts';
import type { SqlClient } from '../../core/db/types.ts';
import { errorFields } from '../../core/error-fields.ts';
import { ticketPng } from '../../core/events/ticket-image.ts';
import { verifyTicketToken } from '../../core/events/ticket-token.ts';
import type { Logger } from '../../core/logger.ts';

const TICKET_FILE = /^([A-Za-z0-9_-]{1,100})\.png$/;

export function ticketRouter(deps: { db: SqlClient; sealer: Sealer; logger: Logger }): Router {
  const router = express.Router();
  router.get('/tickets/:file', async (req, res) => {
    res.set({ 'Cache-Control': 'private, no-store, max-age=0', 'Referrer-Policy': 'no-referrer', 'X-Content-Type-Options': 'nosniff' });
    const token = TICKET_FILE.exec(req.params.file)?.[1];
    try {
      const check = token ? await verifyTicketToken(deps.db, deps.sealer, token) : null;
      if (!token || !check?.valid) {
        res.status(404).type('text/plain').send('not found');
        return;
      }
      res.type('image/png').send(await ticketPng(token));
    } catch (error) {
      deps.logger.error({ route: 'ticket', err: errorFields(error) }, 'ticket image failed');
      res.status(503).type('text/plain').send('try again later');
    }
  });
  return router;
}
