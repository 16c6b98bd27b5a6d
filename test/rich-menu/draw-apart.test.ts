import { describe, expect, it } from 'vitest';
import { loadProgram } from '../../core/program/load-program.ts';
import { drawApart } from '../../core/rich-menu/draw-apart.ts';
import { richMenuDefinitions } from '../../core/rich-menu/rich-menu-definition.ts';
import { drawRichMenu } from '../../core/rich-menu/rich-menu-image.ts';

describe('drawApart', () => {
  it('draws in a child process exactly the bytes drawn here', async () => {
    const definitions = richMenuDefinitions(loadProgram()).filter((d) => d.stage === 'alumni' || d.stage === 'applicant');
    const images = await drawApart(definitions);
    expect(images).toHaveLength(2);
    images.forEach((image, i) => expect(image.equals(drawRichMenu(definitions[i]!))).toBe(true));
  }, 120_000);

  it('ends the child when told to stop', async () => {
    const definitions = richMenuDefinitions(loadProgram());
    await expect(drawApart(definitions, AbortSignal.abort())).rejects.toThrow();
  });
});
