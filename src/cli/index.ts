import { Command } from 'commander';
import { DroverError } from '../domain/errors.js';
import { demoCommand } from './demo.js';
import { renderCommand, validateCommand, type RenderFlags } from './render.js';
import { serverCommand } from './server.js';
import { simCommand } from './sim.js';
import { tokenCreateCommand, tokenListCommand, tokenRevokeCommand, type TokenCreateFlags } from './token.js';

/** Builds the `drover` command line. */
export function buildProgram(): Command {
  const program = new Command('drover').description('GitOps continuous delivery for HashiCorp Nomad').version('0.1.0');

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
  return program;
}

function addTokenCommands(program: Command, collect: (value: string, previous?: string[]) => string[]): void {
  const token = program.command('token').description('manage API tokens offline, in the data dir of a config file');
  token
    .command('create')
    .description('create a token; prints its secret, once, alone on stdout')
    .requiredOption('-c, --config <file>', 'config file naming the data dir')
    .requiredOption('--role <role>', 'viewer, operator or admin')
    .option('--apps <glob>', 'only apps whose name matches (repeatable; default every app)', collect)
    .option('--name <name>', 'a name to recognise the token by')
    .option('--expires <duration>', 'lifetime, e.g. 30d, 12h (default: never)')
    .action((flags: TokenCreateFlags) => tokenCreateCommand(flags));
  token
    .command('list')
    .description('list tokens (never their secrets)')
    .requiredOption('-c, --config <file>', 'config file naming the data dir')
    .option('--json', 'print JSON')
    .action((flags: { config: string; json?: boolean }) => tokenListCommand(flags));
  token
    .command('revoke')
    .description('revoke a token by ID; it and its sessions stop working at once')
    .argument('<id>')
    .requiredOption('-c, --config <file>', 'config file naming the data dir')
    .action((id: string, flags: { config: string }) => tokenRevokeCommand(id, flags));
}

/** Entry point used by bin/drover.js. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    const message = error instanceof DroverError ? error.message : ((error as Error).stack ?? String(error));
    process.stderr.write(`drover: ${message}\n`);
    process.exitCode = 1;
  }
}
