/**
 * Which LINE API a process talks to: LINE itself (or a stand-in given as
 * LINE_API_BASE_URL), the built-in fake in local mode, or both beside each other when the
 * console runs beside real credentials (its users are served by the fake). Plain data,
 * so it can be handed to a processing thread; {@link lineChannelsFor} makes the clients.
 */
import { LineApi, singleChannel, type LineApiConfig, type LineChannels } from '../channels/line/line-api.ts';
import type { Env } from '../core/env.ts';

export interface LineRouting {
  /** The LINE API (or the built-in fake in local mode). */
  api: LineApiConfig;
  /** The console beside real credentials: its users are served by the built-in fake. */
  consoleBesideLine?: { api: LineApiConfig; serves(userId: string): boolean };
}

/** LINE for everyone; with the console beside real credentials, its users go to the built-in fake. */
export function lineChannelsFor(routing: LineRouting): LineChannels {
  const real = new LineApi(routing.api);
  const beside = routing.consoleBesideLine;
  if (!beside) return singleChannel(real);
  const fake = new LineApi(beside.api);
  return { forUser: (userId) => (beside.serves(userId) ? fake : real) };
}

/** LINE as the environment names it (real credentials; local mode uses the web side's built-in fake). */
export function lineApiFromEnv(env: Env): LineApiConfig {
  if (!env.LINE_CHANNEL_ACCESS_TOKEN) throw new Error('lineApiFromEnv: no LINE credentials (local mode)');
  return {
    channelAccessToken: env.LINE_CHANNEL_ACCESS_TOKEN,
    apiBaseUrl: env.LINE_API_BASE_URL ?? 'https://api.line.me',
    // A stand-in for LINE given as LINE_API_BASE_URL serves the data API too, unless told otherwise.
    dataApiBaseUrl: env.LINE_DATA_API_BASE_URL ?? (env.LINE_API_BASE_URL && !isLineHost(env.LINE_API_BASE_URL) ? env.LINE_API_BASE_URL : 'https://api-data.line.me'),
  };
}

function isLineHost(url: string): boolean {
  return new URL(url).hostname.endsWith('.line.me');
}
