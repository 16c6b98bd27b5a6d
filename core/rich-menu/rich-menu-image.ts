/**
 * A rich menu's image, drawn on the server from its labels: an SVG (one rounded button
 * per tap area, the Japanese label large and the English one under it when it fits)
 * rendered to PNG by resvg (`@resvg/resvg-js`, prebuilt per platform as npm optional
 * dependencies) with Noto Sans JP (SIL Open Font License 1.1) from the npm package
 * `@expo-google-fonts/noto-sans-jp`. No system font is read, so every machine draws the
 * same bytes and the hash of an unchanged menu stays the same.
 *
 * LINE's limits (Messaging API reference, "Upload rich menu image"): JPEG or PNG, at most
 * 1 MB, width 800–2500 px, height at least 250 px, width/height at least 1.45.
 */
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import type { RichMenuButton, RichMenuDefinition } from './rich-menu-definition.ts';

export const MAX_IMAGE_BYTES = 1024 * 1024;
const FONT_FAMILY = 'Noto Sans JP';

/** The font files, resolved from the installed package (never downloaded at run time). */
export function fontFiles(): string[] {
  const require = createRequire(import.meta.url);
  return [
    require.resolve('@expo-google-fonts/noto-sans-jp/700Bold/NotoSansJP_700Bold.ttf'),
    require.resolve('@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf'),
  ];
}

/** The PNG for a menu; throws if it would break one of LINE's limits. */
export function drawRichMenu(definition: RichMenuDefinition): Buffer {
  const svg = richMenuSvg(definition);
  const png = new Resvg(svg, {
    font: { fontFiles: fontFiles(), loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
    fitTo: { mode: 'original' },
  }).render().asPng();
  if (png.length > MAX_IMAGE_BYTES) throw new Error(`rich menu image for ${definition.stage} is ${png.length} bytes, over LINE's 1 MB`);
  return png;
}

/** The SVG drawn for a menu (exported for tests and the console). */
export function richMenuSvg(definition: RichMenuDefinition): string {
  const { width, height } = definition.size;
  const c = definition.colors;
  const buttons = definition.buttons.map((button) => buttonSvg(button, c)).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`
    + `<rect width="${width}" height="${height}" fill="${c.background}"/>${buttons}</svg>`;
}

/** Padding inside each tap area, so the buttons read as separate. */
const GAP = 18;

function buttonSvg(button: RichMenuButton, c: RichMenuDefinition['colors']): string {
  const { x, y, width, height } = button.bounds;
  const inner = { x: x + GAP, y: y + GAP, width: width - 2 * GAP, height: height - 2 * GAP };
  const ja = fitSize(button.label.ja, inner.width, Math.min(150, inner.height * 0.32), 1);
  const en = fitSize(button.label.en, inner.width, Math.min(80, inner.height * 0.17), 0.55);
  // English under Japanese only when it stays readable at a third of the Japanese size or more.
  const showEn = en >= Math.max(36, ja * 0.33);
  const centreX = inner.x + inner.width / 2;
  const centreY = inner.y + inner.height / 2;
  const jaY = showEn ? centreY - en * 0.35 : centreY + ja * 0.35;
  const enY = centreY + ja * 0.35 + en * 0.55;
  return `<rect x="${inner.x}" y="${inner.y}" width="${inner.width}" height="${inner.height}" rx="36" fill="${c.button}" stroke="${c.border}" stroke-width="8"/>`
    + `<text x="${centreX}" y="${jaY.toFixed(1)}" font-family="${FONT_FAMILY}" font-weight="700" font-size="${ja.toFixed(1)}" fill="${c.text}" text-anchor="middle">${escapeXml(button.label.ja)}</text>`
    + (showEn ? `<text x="${centreX}" y="${enY.toFixed(1)}" font-family="${FONT_FAMILY}" font-weight="400" font-size="${en.toFixed(1)}" fill="${c.subtext}" text-anchor="middle">${escapeXml(button.label.en)}</text>` : '');
}

/**
 * The largest font size up to `max` at which `text` fits 88 % of `width`, estimating each
 * character's advance: a full-width character 1 em, others `narrow` em (Latin averages
 * about 0.55 em in Noto Sans).
 */
function fitSize(text: string, width: number, max: number, narrow: number): number {
  const ems = [...text].reduce((sum, ch) => sum + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 1 : narrow), 0);
  return Math.min(max, (width * 0.88) / Math.max(ems, 1));
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);
}
