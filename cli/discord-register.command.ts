import { REST, Routes, type RESTGetCurrentApplicationResult, type RESTPutAPIApplicationGuildCommandsResult } from 'discord.js';
import { staffCommandDefinitions } from '../bot/discord/staff-command-definitions.ts';
import { ConfigError } from '../core/config-error.ts';
import type { Env } from '../core/env.ts';

/**
 * `ouen discord register`: puts the staff slash commands on the staff server. Run it
 * once per server and after an upgrade that changes commands; guild commands update at
 * once (global ones can take an hour).
 */
export async function runDiscordRegister(env: Env): Promise<number> {
  const missing = [!env.DISCORD_BOT_TOKEN && 'DISCORD_BOT_TOKEN', !env.DISCORD_GUILD_ID && 'DISCORD_GUILD_ID'].filter(Boolean);
  if (missing.length > 0) throw new ConfigError(`discord register needs ${missing.join(' and ')}`);
  const rest = new REST({ api: env.DISCORD_API_BASE_URL }).setToken(env.DISCORD_BOT_TOKEN!);
  const application = await rest.get(Routes.currentApplication()) as RESTGetCurrentApplicationResult;
  const registered = await rest.put(Routes.applicationGuildCommands(application.id, env.DISCORD_GUILD_ID!), {
    body: staffCommandDefinitions(),
  }) as RESTPutAPIApplicationGuildCommandsResult;
  console.log(`registered ${registered.length} staff command(s) on server ${env.DISCORD_GUILD_ID}: ${registered.map((c) => `/${c.name}`).join(' ')}`);
  return 0;
}
