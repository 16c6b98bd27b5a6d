/**
 * The process environment, parsed once with zod; every problem is reported together,
 * naming the variable and what it expects.
 */
import { z } from 'zod';
import { ConfigError } from './config-error.ts';
import { roleMappingSchema } from './staff/permissions.ts';

const optionalString = z.string().trim().min(1).optional().catch(undefined);
const url = z.url();

export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** The address to listen on. Default: 127.0.0.1 in local mode (this machine only), 0.0.0.0 with real credentials. */
  OUEN_HOST: z.string().trim().regex(/^[A-Za-z0-9.:-]+$/, 'an address to listen on, such as 127.0.0.1 or 0.0.0.0').optional(),
  DATABASE_URL: z.string().trim().min(1).optional(),
  REDIS_URL: url.default('redis://127.0.0.1:6379'),
  LINE_CHANNEL_SECRET: z.string().trim().min(1).optional(),
  LINE_CHANNEL_ACCESS_TOKEN: z.string().trim().min(1).optional(),
  LINE_API_BASE_URL: url.optional(),
  LINE_DATA_API_BASE_URL: url.optional(),
  OUEN_ENCRYPTION_KEY: z.string().trim().min(1).optional(),
  /** Where local data lives: the embedded database and the generated key file. */
  OUEN_DATA_DIR: z.string().default('./data'),
  OUEN_PROGRAM_FILE: optionalString,
  /** Serve the local console even though real LINE credentials are configured. */
  OUEN_CONSOLE: z.enum(['0', '1', 'true', 'false']).optional().transform((v) => v === '1' || v === 'true'),
  /** Public base URL of this server, used in the console and in links. */
  OUEN_PUBLIC_URL: url.optional(),
  OUEN_QUEUE_PREFIX: z.string().default('ouen'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Run conversation turns in a thread of their own, so webhook acks never wait behind them (default on). */
  OUEN_PROCESSING_THREAD: z.enum(['0', '1', 'true', 'false']).default('1').transform((v) => v === '1' || v === 'true'),
  /**
   * Old-generation heap limit of the processing thread (MB). The default holds the
   * process near a single thread's memory; 0 leaves V8's own limit (faster, about
   * 130 MB more under load; see BENCHMARKS.md).
   */
  OUEN_THREAD_HEAP_MB: z.coerce.number().int().refine((mb) => mb === 0 || mb >= 128, 'at least 128, or 0 for no limit').default(256),
  /** Batches of conversation turns processed at once, each in one transaction on its own connection. */
  OUEN_TURN_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  /** The staff bot's token (Discord developer portal → Bot). Unset: no Discord client is started. */
  DISCORD_BOT_TOKEN: z.string().trim().min(1).optional(),
  /** The staff server (guild): commands are registered there. */
  DISCORD_GUILD_ID: z.string().regex(/^\d{17,20}$/, 'a Discord server id (a snowflake)').optional(),
  /** Where every application is posted with a thread of its own (new, changed, withdrawn). Unset: not posted. */
  DISCORD_APPLICATIONS_CHANNEL_ID: z.string().regex(/^\d{17,20}$/, 'a Discord channel id (a snowflake)').optional(),
  /** The human inbox: a thread per participant who asked for a person. Unset: handoffs wait in the console staff panel. */
  DISCORD_INBOX_CHANNEL_ID: z.string().regex(/^\d{17,20}$/, 'a Discord channel id (a snowflake)').optional(),
  /** Discord's REST base, without the version; tests point it at a fake. */
  DISCORD_API_BASE_URL: url.default('https://discord.com/api'),
  /** Which Discord role ids carry which ouen role, as JSON: {"staff": ["123…"], "judge": […], …}. */
  OUEN_STAFF_ROLES: z.string().default('{}').transform((raw, ctx) => {
    try {
      const parsed = roleMappingSchema.safeParse(JSON.parse(raw));
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not JSON, e.g. {"staff": ["123456789012345678"]}' });
    }
    return z.NEVER;
  }),
  /**
   * The admins' credential for the queue dashboard (/admin/queues), as HTTP Basic password
   * or Bearer token. Unset: the dashboard is not mounted (local mode: this machine only).
   */
  OUEN_ADMIN_TOKEN: z.string().trim().min(24, 'at least 24 characters, e.g. from: openssl rand -base64 32').optional(),
  /** `ouen worker` serves /metrics and /healthz on this port. Unset: it opens no port. */
  OUEN_WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** How long a stopping process waits for jobs and turns in flight before it exits anyway (their jobs then go back to the queue). */
  OUEN_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(25_000),
  /** LINE's rate limits the worker keeps to, requests a second, shared by all worker processes (LINE: push 2,000, multicast 200). */
  OUEN_LINE_PUSH_PER_SECOND: z.coerce.number().positive().default(2000),
  OUEN_LINE_MULTICAST_PER_SECOND: z.coerce.number().positive().default(200),
  /** Events waiting for processing beyond which the webhook sheds load with 503. */
  OUEN_MAX_BACKLOG: z.coerce.number().int().positive().default(5000),
});

/** Checks that need several variables; run even when single variables fail, so all problems show at once. */
function crossChecks(source: Record<string, unknown>): string[] {
  const secret = source.LINE_CHANNEL_SECRET !== undefined;
  const token = source.LINE_CHANNEL_ACCESS_TOKEN !== undefined;
  if (secret === token) return [];
  const missing = secret ? 'LINE_CHANNEL_ACCESS_TOKEN' : 'LINE_CHANNEL_SECRET';
  return [`  ${missing}: set both LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN, or neither (local console mode)`];
}

export type Env = z.infer<typeof envSchema>;

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  const lines = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)),
    ...crossChecks(cleaned),
  ];
  if (parsed.success && lines.length === 0) return parsed.data;
  throw new ConfigError(`environment is not valid:\n${lines.join('\n')}`);
}

/** True when no LINE credentials are configured: the built-in fake LINE API and console stand in. */
export const isLocalMode = (env: Env) => env.LINE_CHANNEL_SECRET === undefined;
