/**
 * The console's staff panel: the staff command layer without Discord, so that everything
 * staff do can be tried with `npm start` and no credentials. Whoever uses the panel picks
 * a role; it is therefore served only in local mode (never beside real credentials, where
 * it would show real applicants to anyone who can reach the console).
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { ROLES } from '../../core/staff/permissions.ts';
import type { StaffCommand, StaffReply, StaffRequest } from '../staff/staff-commands.ts';

const staffRequestSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('stats'), role: z.enum(ROLES) }),
  z.object({
    command: z.literal('applications'), role: z.enum(ROLES),
    status: z.enum(['draft', 'submitted', 'withdrawn']).optional(),
    municipality: z.string().trim().min(1).max(20).optional(),
    workshop: z.boolean().optional(),
  }),
  z.object({ command: z.literal('application'), role: z.enum(ROLES), receipt: z.string().trim().min(1).max(30) }),
]);

export function staffPanelRouter(run: (request: StaffRequest) => Promise<StaffReply>): Router {
  const router = express.Router();
  router.post('/console/api/staff', express.json({ limit: '10kb' }), async (req, res) => {
    const parsed = staffRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ message: 'role and command are required: {"role": "staff", "command": "stats" | "applications" | "application", …}' });
      return;
    }
    const body = parsed.data;
    const command: StaffCommand = body.command === 'stats' ? { name: 'stats' }
      : body.command === 'application' ? { name: 'application', receipt: body.receipt }
        : {
          name: 'applications',
          filter: {
            ...(body.status ? { status: body.status } : {}),
            ...(body.municipality ? { municipality: body.municipality } : {}),
            ...(body.workshop === undefined ? {} : { workshopOrigin: body.workshop }),
          },
        };
    res.json(await run({ actor: `console:${body.role}`, roles: [body.role], language: 'ja', command }));
  });
  return router;
}
