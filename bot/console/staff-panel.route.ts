/**
 * The console's staff panel: the staff command layer without Discord, so that everything
 * staff do can be tried with `npm start` and no credentials. Whoever uses the panel picks
 * a role (and, to score, which judge they are); it is therefore served only in local
 * mode (never beside real credentials, where it would show real applicants to anyone
 * who can reach the console).
 *
 * A request is a command line as written in Discord (`/decide BC2026-0001 pass`), a
 * quick command, or a clicked button / submitted form by its id (staff-components.ts),
 * which the server parses and checks like any request.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { Program } from '../../core/program/load-program.ts';
import { ROLES } from '../../core/staff/permissions.ts';
import { commandGuide, guideText } from '../staff/command-guide.ts';
import { commandFromComponent, segmentParams } from '../staff/staff-components.ts';
import { parseStaffLine } from '../staff/staff-line.ts';
import { staffText } from '../staff/staff-messages.ts';
import type { StaffCommand, StaffReply, StaffRequest } from '../staff/staff-types.ts';

const staffRequestSchema = z.object({
  role: z.enum(ROLES),
  /** Who is asking: a judge's roster id (to score), else a name for the audit log and signatures. */
  as: z.string().trim().regex(/^[a-z0-9-]{1,40}$/).optional(),
  line: z.string().max(300).optional(),
  command: z.enum(['stats', 'applications', 'application', 'inbox', 'approvals', 'progress', 'ranking', 'deliveries', 'event', 'seminars', 'booth', 'help', 'broadcast', 'broadcasts', 'sendReports']).optional(),
  /** A broadcast's segment as `id` or `id:parameter` (`applicants:submitted`, `round:document`), and an optional local send time. */
  segment: z.string().regex(/^[a-z][a-z0-9-]{0,30}(:[a-z0-9-]{1,30})?$/).optional(),
  sendAt: z.string().trim().max(16).optional(),
  status: z.enum(['draft', 'submitted', 'withdrawn']).optional(),
  municipality: z.string().trim().min(1).max(20).optional(),
  workshop: z.boolean().optional(),
  round: z.enum(['document', 'presentation', 'final']).optional(),
  receipt: z.string().trim().min(1).max(30).optional(),
  component: z.string().max(120).optional(),
  fields: z.record(z.string(), z.string().max(4000)).optional(),
});
type PanelRequest = z.infer<typeof staffRequestSchema>;

export function staffPanelRouter(run: (request: StaffRequest) => Promise<StaffReply>, program: Program): Router {
  const router = express.Router();
  const judgeIds = new Set(program.judging.judges.map((j) => j.id));
  router.get('/console/api/staff/roster', (_req, res) => {
    res.json({ judges: program.judging.judges.map((j) => ({ id: j.id, name: j.name })) });
  });
  // The commands a role may use, for the command box's suggestions (the server checks every request anyway).
  router.get('/console/api/staff/commands', (req, res) => {
    const role = z.enum(ROLES).safeParse(req.query.role);
    if (!role.success) {
      res.status(400).json({ message: `role must be one of ${ROLES.join(', ')}` });
      return;
    }
    res.json({ commands: commandGuide([role.data], 'ja') });
  });
  router.post('/console/api/staff', express.json({ limit: '64kb' }), async (req, res) => {
    const parsed = staffRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ message: 'role and a command are required: {"role": "staff", "line": "/stats"} (or "command", or "component")' });
      return;
    }
    const body = parsed.data;
    // A judge acts as one judge of the roster; nobody else may act under a judge's name
    // (an approver named like a judge would be taken for them: their drafts, their sheets).
    if (body.role === 'judge' ? !body.as || !judgeIds.has(body.as) : body.as !== undefined && judgeIds.has(body.as)) {
      res.status(400).json({ message: body.role === 'judge' ? 'choose which judge of the roster you are ("as")' : 'only the judge role acts as a judge of the roster' });
      return;
    }
    const command = commandOf(body);
    if (!command) {
      res.json({ text: `${staffText('ja', 'help.unknown')}\n\n${guideText([body.role], 'ja')}` } satisfies StaffReply);
      return;
    }
    const who = body.as ?? body.role;
    const reply = await run({ actor: `console:${who}`, roles: [body.role], language: 'ja', command, displayName: who });
    // Files travel as base64 in JSON; the panel offers them as a download.
    const file = reply.file ? { name: reply.file.name, base64: Buffer.from(reply.file.content).toString('base64') } : undefined;
    res.json({ ...reply, file });
  });
  return router;
}

function commandOf(body: PanelRequest): StaffCommand | null {
  if (body.component) return commandFromComponent(body.component, body.fields ?? {});
  if (body.line) return parseStaffLine(body.line);
  switch (body.command) {
    case 'stats': case 'inbox': case 'approvals': case 'progress': case 'ranking': case 'deliveries': case 'event': case 'help':
    case 'broadcasts': case 'sendReports': case 'seminars': case 'booth':
      return { name: body.command };
    case 'broadcast': {
      if (!body.segment) return null;
      const [segment, param] = body.segment.split(':') as [string, string | undefined];
      return { name: 'broadcastForm', segment: { id: segment, params: segmentParams(segment, param) }, ...(body.sendAt ? { sendAt: body.sendAt } : {}) };
    }
    case 'application':
      return body.receipt ? { name: 'application', receipt: body.receipt } : null;
    case 'applications':
      return {
        name: 'applications',
        filter: {
          ...(body.status ? { status: body.status } : {}),
          ...(body.municipality ? { municipality: body.municipality } : {}),
          ...(body.workshop === undefined ? {} : { workshopOrigin: body.workshop }),
          ...(body.round ? { round: body.round } : {}),
        },
      };
    default:
      return null;
  }
}
