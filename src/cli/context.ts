import { configPath, readClientConfig, writeClientConfig } from './connect/config-file.js';
import { CliError } from './exit.js';
import { table } from './output/table.js';
import type { IO } from './app/io.js';

/** `drover context [NAME]`: lists the saved servers, or makes NAME the current one. */
export function contextCommand(name: string | undefined, flags: { delete?: boolean }, io: IO): number {
  const file = configPath(io.env);
  const config = readClientConfig(file);
  if (name === undefined) {
    const rows = Object.entries(config.contexts).map(([n, c]) => [
      n === config.current ? '*' : '',
      n,
      c.server,
      c.token ? 'yes' : 'no',
    ]);
    io.out.write(
      rows.length
        ? table(['CURRENT', 'NAME', 'SERVER', 'TOKEN'], rows, io.columns)
        : 'No contexts: run drover login.\n',
    );
    return 0;
  }
  if (!config.contexts[name]) throw new CliError(`no context named "${name}"; drover context lists them`);
  if (flags.delete) {
    delete config.contexts[name];
    if (config.current === name) delete config.current;
    writeClientConfig(config, file);
    io.out.write(`Deleted context "${name}"\n`);
    return 0;
  }
  config.current = name;
  writeClientConfig(config, file);
  io.out.write(`Switched to context "${name}" (${config.contexts[name].server})\n`);
  return 0;
}
