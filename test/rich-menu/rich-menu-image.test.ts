import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { loadProgram } from '../../core/program/load-program.ts';
import { richMenuDefinitions } from '../../core/rich-menu/rich-menu-definition.ts';
import { drawRichMenu, MAX_IMAGE_BYTES, richMenuSvg } from '../../core/rich-menu/rich-menu-image.ts';

const definitions = richMenuDefinitions(loadProgram());

describe('drawRichMenu', () => {
  it.each(definitions.map((d) => [d.stage, d] as const))('draws the %s menu as a PNG LINE accepts', (_stage, definition) => {
    const png = drawRichMenu(definition);
    expect(png.length).toBeLessThanOrEqual(MAX_IMAGE_BYTES);
    const image = PNG.sync.read(png);
    expect({ width: image.width, height: image.height }).toEqual(definition.size);
    expect(image.width).toBeGreaterThanOrEqual(800);
    expect(image.height).toBeGreaterThanOrEqual(250);
    expect(image.width / image.height).toBeGreaterThanOrEqual(1.45);
  });

  it('draws the labels: a button\'s centre band has dark text pixels, and the same menu draws the same bytes', () => {
    const definition = definitions[0]!;
    const png = drawRichMenu(definition);
    const image = PNG.sync.read(png);
    const { x, y, width, height } = definition.buttons[0]!.bounds;
    let dark = 0;
    for (let row = y + Math.floor(height * 0.3); row < y + Math.floor(height * 0.7); row += 2) {
      for (let col = x; col < x + width; col += 2) {
        const i = (row * image.width + col) * 4;
        if (image.data[i]! < 100 && image.data[i + 1]! < 100 && image.data[i + 2]! < 100) dark += 1;
      }
    }
    expect(dark).toBeGreaterThan(1000);
    expect(drawRichMenu(definition).equals(png)).toBe(true);
  });

  it('escapes labels in the SVG', () => {
    const definition = { ...definitions[0]!, buttons: [{ ...definitions[0]!.buttons[0]!, label: { ja: '<&>', en: '"x"' } }] };
    expect(richMenuSvg(definition)).toContain('&lt;&amp;&gt;');
    expect(drawRichMenu(definition).length).toBeGreaterThan(0);
  });
});
