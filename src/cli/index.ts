import { Command } from 'commander';
import { appCommand, connectionOptions, type ConnectionFlags } from './app/index.js';
import { processIO } from './app/io.js';
import { completionScript } from './completion.js';
import { contextCommand } from './context.js';
import { demoCommand } from './demo.js';
import { CliError, errorLine } from './exit.js';
import { login, logout } from './login.js';
import { droverVersion } from '../domain/version.js';
import { versionCommand } from './version.js';
import { renderCommand, validateCommand, type RenderFlags } from './render.js';
import { serverCommand } from './server.js';
import { simCommand } from './sim.js';
import { tokenCreateOverApi, tokenListOverApi, tokenRevokeOverApi } from './token-api.js';
import { tokenCreateCommand, tokenListCommand, tokenRevokeCommand, type TokenCreateFlags } from './token.js';

/** Builds the `drover` command line. */
export function buildProgram(): Command {
  const program = new Command('drover').description('GitOps continuous delivery for HashiCorp Nomad');
  program.version(droverVersion(), '--version', "print the client's version");

  program
    .command('server')
    .description('run the Drover server')
    .requiredOption('-c, --config <file>', 'config file (HCL or JSON)')
    .option('--insecure-no-auth', 'turn every access check off (loopback listeners only; logged as a warning)')
    .action(serverCommand);
  program
    .command('sim')
    .description('run a Nomad API simulator on loopback')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('-p, --port <port>', 'port', '4646')
    .option('--region <region>', 'region of the simulated agent', 'global')
    .option('--acl-bootstrap-token <secret>', 'turn ACLs on with this management token (or DROVER_SIM_ACL_TOKEN)')
    .option('--acl', 'turn ACLs on unbootstrapped: POST /v1/acl/bootstrap creates the first management token')
    .option('--nodes <n>', 'simulated client nodes', '1')
    .option('--alloc-delay <duration>', 'time allocations stay pending, and running before healthy', '200ms')
    .option('--latency <duration>', 'latency added to every API request')
    .option(
      '--fail-job <[namespace/]job[:task]>',
      'allocations of this job fail (repeatable)',
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .option(
      '--fail-requests <status:count:path[:method]>',
      'the next COUNT requests under PATH answer STATUS (repeatable)',
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .action(simCommand);
  program
    .command('demo')
    .description('run a local simulator, an example git repository and Drover')
    .option('--dir <dir>', 'folder for the demo repository and data', '.drover-demo')
    .option('--port <port>', 'Drover port', '8080')
    .option('--nomad-port <port>', 'simulator port', '4646')
    .action(demoCommand);
  const collect = (value: string, previous: string[] = []) => [...previous, value];
  program
    .command('render')
    .description('render job files (HCL2 or JSON) to Nomad API JSON')
    .argument('<path...>')
    .option('--var <name=value>', 'set a variable (repeatable)', collect)
    .option('--var-file <file>', 'read variables from a file (repeatable)', collect)
    .option('--canonical', 'apply the defaults /v1/jobs/parse applies with Canonicalize')
    .action((paths: string[], flags: RenderFlags) => {
      process.exitCode = renderCommand(paths, flags);
    });
  program
    .command('validate')
    .description('check that job files render')
    .argument('<path...>')
    .option('--var <name=value>', 'set a variable (repeatable)', collect)
    .option('--var-file <file>', 'read variables from a file (repeatable)', collect)
    .action((paths: string[], flags: RenderFlags) => {
      process.exitCode = validateCommand(paths, flags);
    });
  addTokenCommands(program, collect);
  program.addCommand(appCommand());
  clientCommands(program);
  return program;
}

/** `drover token ...`: offline against a config's data dir (`--config`), or over the API (`--server`). */
function addTokenCommands(program: Command, collect: (value: string, previous?: string[]) => string[]): void {
  const token = program
    .command('token')
    .description('manage API tokens: offline in the data dir of a config file, or over the API');
  const where = (command: Command) =>
    connectionOptions(command.option('-c, --config <file>', 'work offline on the data dir this config names'));
  where(token.command('create').description('create a token; prints its secret, once, alone on stdout'))
    .requiredOption('--role <role>', 'viewer, operator or admin')
    .option('--apps <glob>', 'only apps whose name matches (repeatable; default every app)', collect)
    .option('--projects <name>', "also the apps of this project (repeatable; with --apps, either one's)", collect)
    .option('--name <name>', 'a name to recognise the token by')
    .option('--expires <duration>', 'lifetime, e.g. 30d, 12h (default: never)')
    .action((flags: Omit<TokenCreateFlags, 'config'> & { config?: string } & ConnectionFlags) =>
      flags.config ? tokenCreateCommand({ ...flags, config: flags.config }) : tokenCreateOverApi(flags),
    );
  where(token.command('list').description('list tokens (never their secrets)'))
    .option('--json', 'print JSON')
    .action((flags: { config?: string; json?: boolean } & ConnectionFlags) =>
      flags.config ? tokenListCommand({ ...flags, config: flags.config }) : tokenListOverApi(flags),
    );
  where(token.command('revoke').description('revoke a token by ID; it and its sessions stop working at once'))
    .argument('<id>')
    .action((id: string, flags: { config?: string } & ConnectionFlags) =>
      flags.config ? tokenRevokeCommand(id, { config: flags.config }) : tokenRevokeOverApi(id, flags),
    );
}

/** Sign-in, contexts, version and shell completion. */
function clientCommands(program: Command): void {
  connectionOptions(program.command('login').description('save a server and its token as the current context'))
    .option('--name <context>', 'name of the saved context (default: the server host:port)')
    .option('--sso', "sign in through the server's OpenID Connect provider, in a browser")
    .option('--no-browser', 'with --sso: print the sign-in URL without opening a browser')
    .action(async (flags) => {
      process.exitCode = await login(flags, processIO());
    });
  program
    .command('logout')
    .description("forget the current context's token")
    .option('--context <name>', 'log out of this context instead')
    .action((flags) => {
      process.exitCode = logout(flags, processIO());
    });
  program
    .command('context')
    .description('list saved servers, or switch to one')
    .argument('[name]')
    .option('--delete', 'delete the named context')
    .action((name: string | undefined, flags) => {
      process.exitCode = contextCommand(name, flags, processIO());
    });
  connectionOptions(program.command('version').description("print the client's and the server's versions")).action(
    async (flags) => {
      process.exitCode = await versionCommand(flags, processIO());
    },
  );
  program
    .command('completion')
    .description('print a shell completion script')
    .argument('<shell>', 'bash, zsh or fish')
    .action((shell: string) => {
      process.stdout.write(completionScript(program, shell));
    });
}

/** Entry point used by bin/drover.js (compiled) and src/cli/dev.ts (sources). */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    // One line, never a stack trace (DROVER_DEBUG=1 shows it, for bug reports).
    process.stderr.write(errorLine(error) + '\n');
    if (process.env.DROVER_DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : 1;
  }
}
