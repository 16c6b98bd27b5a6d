import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ACTIONS, PERMISSIONS, authorize, denialAudit, mayApprove, permissionMatrixMarkdown, roleMappingSchema, rolesOf, type Action, type Role,
} from '../../core/staff/permissions.ts';

const mapping = roleMappingSchema.parse({
  admin: ['100000000000000001'], staff: ['100000000000000002'], judge: ['100000000000000003'],
  approver: ['100000000000000004'], viewer: ['100000000000000005'],
});

describe('rolesOf', () => {
  it('maps Discord role ids to ouen roles, several at once, and ignores the rest', () => {
    expect(rolesOf(['100000000000000002', '100000000000000003', '999999999999999999'], mapping)).toEqual(['staff', 'judge']);
    expect(rolesOf(['999999999999999999'], mapping)).toEqual([]);
  });

  it('refuses a mapping that is not Discord role ids', () => {
    expect(roleMappingSchema.safeParse({ staff: ['staff'] }).success).toBe(false);
  });
});

describe('authorize', () => {
  it.each<[Role[], Action, boolean]>([
    [['viewer'], 'stats.view', true],
    [['viewer'], 'applications.viewPlan', false],
    [['judge'], 'applications.viewPlan', true],
    [['judge'], 'applications.viewPersonal', false],
    [['judge'], 'judging.score', true],
    [['judge'], 'judging.tally', false],
    [['staff'], 'judging.score', false],
    [['staff'], 'decisions.publish', true],
    [['staff'], 'decisions.approve', false],
    [['admin'], 'decisions.approve', false],
    [['approver'], 'decisions.approve', true],
    [['approver'], 'decisions.publish', false],
    [['judge', 'staff'], 'judging.tally', true],
  ])('%j may %s: %s', (roles, action, allowed) => {
    expect(authorize(roles, action).allowed).toBe(allowed);
  });

  it('tells a member with no ouen role from one without the permission', () => {
    expect(authorize([], 'stats.view')).toEqual({ allowed: false, reason: 'no-role' });
    expect(authorize(['viewer'], 'inbox.reply')).toEqual({ allowed: false, reason: 'not-permitted' });
  });

  it('lets only admin and staff see who applied, besides the approver who signs off messages to them', () => {
    expect(PERMISSIONS['applications.viewPersonal']).toEqual(['admin', 'staff', 'approver']);
  });
});

describe('mayApprove', () => {
  it('refuses approving your own draft when duties are separated, and allows it otherwise', () => {
    expect(mayApprove(['approver'], 'u1', 'u1', true)).toEqual({ allowed: false, reason: 'not-permitted' });
    expect(mayApprove(['approver'], 'u1', 'u2', true)).toEqual({ allowed: true });
    expect(mayApprove(['approver'], 'u1', 'u1', false)).toEqual({ allowed: true });
    expect(mayApprove(['staff'], 'u1', 'u2', true).allowed).toBe(false);
  });
});

describe('denialAudit', () => {
  it('records who asked for what and why, without any content', () => {
    expect(denialAudit('discord:42', 'judging.score', 'not-permitted', { entity: 'application', entityId: 'a1' })).toEqual({
      actor: 'discord:42', action: 'staff.denied', entity: 'application', entityId: 'a1',
      detail: { requested: 'judging.score', reason: 'not-permitted' },
    });
  });
});

describe('docs/PERMISSIONS.md', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'PERMISSIONS.md'), 'utf8');

  it('shows exactly this matrix', () => {
    expect(doc).toContain(permissionMatrixMarkdown());
    expect(Object.keys(ACTIONS)).toEqual(Object.keys(PERMISSIONS));
  });

  it('says the checks are enforced by the Discord bot and the console panel, not that they are in progress', () => {
    expect(doc).not.toMatch(/in progress/i);
    expect(doc).toContain('Status: enforced.');
    expect(doc).toContain('bot/discord/staff-bot.ts');
    expect(doc).toContain('bot/console/staff-panel.route.ts');
  });
});

describe('the failed-deliveries permissions', () => {
  it('let every role but judges list undelivered messages, and only admin and staff send them again', () => {
    expect(PERMISSIONS['deliveries.list']).toEqual(['admin', 'staff', 'approver', 'viewer']);
    expect(PERMISSIONS['deliveries.retry']).toEqual(['admin', 'staff']);
  });
});
