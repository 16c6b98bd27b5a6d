/**
 * `ouen`: the operator's command line. Each command parses the environment once and
 * reports configuration problems together, naming the variable. Commands are loaded
 * when run, so the server never carries the tools' code (or their Prisma client).
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../core/config-error.ts';
import { parseEnv } from '../core/env.ts';

const usage = `usage: ouen <command>

  help                           this list
  start                          web + worker in one process (local: embedded PostgreSQL and console)
  demo [--reset]                 local mode with a demo judging season to try in the console (own data: OUEN_DATA_DIR/demo)
  web                            the webhook and console only (no delivery)
  worker                         the outbox worker only (no HTTP server)
  migrate                        apply pending database migrations
  stats [--json]                 counts per entity and status
  applications export --csv [--output FILE] [--no-personal] [--withdrawn-personal]
                                 every application as CSV (UTF-8 with BOM, for Excel);
                                 withdrawn ones without personal fields unless --withdrawn-personal
  audit verify                   check the audit log's hash chain
  richmenu publish               draw the rich menus from the program file, publish the changed ones
                                 to LINE (new-friend menu as default) and relink everyone by stage
  schedule rebuild               put every pending schedule back on the queue (after Redis lost it)
  discord register               put the staff slash commands on the staff Discord server`;

const options = {
  json: { type: 'boolean', default: false },
  csv: { type: 'boolean', default: false },
  output: { type: 'string', short: 'o' },
  'no-personal': { type: 'boolean', default: false },
  'withdrawn-personal': { type: 'boolean', default: false },
  reset: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;
const parse = (argv: string[]) => parseArgs({ args: argv, allowPositionals: true, options });

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    // An unknown option, or one missing its value: a typing slip, answered like an unknown command.
    if (!isParseArgsError(error)) throw error;
    console.error(`${error.message}\n\n${usage}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const [command, sub] = positionals;
  if (values.help || command === 'help' || !command) {
    console.log(usage);
    return command || values.help ? 0 : 2;
  }
  const env = parseEnv();
  switch (command) {
    case 'start': return (await import('./server.command.ts')).runServer(env, { worker: true });
    case 'web': return (await import('./server.command.ts')).runServer(env, { worker: false });
    case 'worker': return (await import('./worker.command.ts')).runWorker(env);
    case 'demo': return (await import('./demo.command.ts')).runDemo(env, { reset: values.reset });
    case 'migrate': return (await import('./migrate.command.ts')).runMigrate(env);
    case 'stats': return (await import('./stats.command.ts')).runStats(env, { json: values.json });
    case 'applications':
      if (sub === 'export' && values.csv) {
        return (await import('./export.command.ts')).runExport(env, {
          output: values.output, personal: !values['no-personal'], withdrawnPersonal: values['withdrawn-personal'],
        });
      }
      break;
    case 'audit':
      if (sub === 'verify') return (await import('./audit-verify.command.ts')).runAuditVerify(env);
      break;
    case 'richmenu':
      if (sub === 'publish') return (await import('./richmenu.command.ts')).runRichMenuPublish(env);
      if (sub === 'draw') return (await import('./richmenu.command.ts')).runRichMenuDraw();
    case 'schedule':
      if (sub === 'rebuild') return (await import('./schedule-rebuild.command.ts')).runScheduleRebuild(env);
      break;
    case 'discord':
      if (sub === 'register') return (await import('./discord-register.command.ts')).runDiscordRegister(env);
      break;
  }
  console.error(`unknown command: ${positionals.join(' ')}\n\n${usage}`);
  return 2;
}

/** Node's parseArgs reports bad options as TypeErrors with an ERR_PARSE_ARGS_* code. */
function isParseArgsError(error: unknown): error is Error {
  return error instanceof Error && String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS_');
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exitCode = 1;
  },
);
