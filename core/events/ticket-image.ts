/**
 * The ticket's QR code as a PNG, drawn here on the server (the `qrcode` package) so no
 * third party ever sees a token. Loaded on first use: a web process that serves no ticket
 * never loads the library.
 */

/** Large enough for LINE's flex image and a phone screen held to a scanner; small enough to send fast. */
const WIDTH_PX = 480;

export async function ticketPng(token: string): Promise<Buffer> {
  const { toBuffer } = await import('qrcode');
  // Level M (15 % recovery): a token is short, so the code stays coarse and scans from a cracked screen.
  return toBuffer(token, { type: 'png', errorCorrectionLevel: 'M', margin: 4, width: WIDTH_PX });
}
