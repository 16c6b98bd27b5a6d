/**
 * The program file's staff sections: the judging rounds are checked as a whole, and a
 * program file written before judging was configurable still loads.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROGRAM_FILE, hasPlaceholderContact, loadProgram } from '../../core/program/load-program.ts';

const base = () => JSON.parse(readFileSync(DEFAULT_PROGRAM_FILE, 'utf8'));
const write = (program: unknown) => {
  const file = join(mkdtempSync(join(tmpdir(), 'ouen-program-')), 'program.json');
  writeFileSync(file, JSON.stringify(program));
  return file;
};

describe('the program file', () => {
  it('loads one without a judging section with the built-in rounds and placeholder judges', () => {
    const { judging: _judging, ...older } = base();
    const program = loadProgram(write(older));
    expect(program.judging.rounds.map((r) => r.id)).toEqual(['document', 'presentation', 'final']);
    expect(program.inbox.signWith).toBe('staff');
  });

  it('names every problem of the judging section', () => {
    const program = base();
    program.judging.rounds = [program.judging.rounds[1], program.judging.rounds[0], program.judging.rounds[2]];
    program.judging.rounds[2].judges = ['judge-z'];
    delete program.judging.rounds[1].notices.fail;
    expect(() => loadProgram(write(program))).toThrow(/judging\.rounds\.0\.id: round 1 must be "document"[\s\S]*judging\.rounds\.2\.judges: "judge-z" is not on the judge roster/);
    expect(() => loadProgram(write(program))).toThrow(/notices\.fail: a notice for "fail" is needed/);
  });

  it('loads one without contact or office hours, and tells a placeholder contact from a real one', () => {
    const { contact: _contact, officeHours: _hours, ...older } = base();
    const program = loadProgram(write(older));
    expect(program.contact.office.ja).toBe('ちば起業家応援事業 事務局');
    expect(program.officeHours).toMatchObject({ weekdays: [1, 2, 3, 4, 5], opens: '09:00', closes: '17:00' });
    expect(hasPlaceholderContact(program)).toBe(true);
    expect(hasPlaceholderContact(loadProgram())).toBe(true);
    const real = base();
    real.contact = { ...real.contact, phone: '043-223-0000', email: 'kigyo@chiba.example.org' };
    expect(hasPlaceholderContact(loadProgram(write(real)))).toBe(false);
  });

  it('refuses office hours that close before they open, naming the field', () => {
    const program = base();
    program.officeHours.opens = '18:00';
    expect(() => loadProgram(write(program))).toThrow(/officeHours: opens must be before closes/);
  });
});
