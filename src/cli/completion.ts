import type { Command } from 'commander';
import { CliError } from './exit.js';

type Node = { path: string[]; subcommands: string[]; options: string[] };

/** Every command path with its subcommands and long options, read from commander's tree. */
function walk(command: Command, path: string[] = []): Node[] {
  const subcommands = command.commands.map((c) => c.name());
  const options = command.options.map((o) => o.long ?? o.short ?? '').filter(Boolean);
  return [{ path, subcommands, options }, ...command.commands.flatMap((c) => walk(c, [...path, c.name()]))];
}

/** `drover completion bash|zsh|fish`: a completion script generated from the command tree. */
export function completionScript(program: Command, shell: string): string {
  const nodes = walk(program);
  if (shell === 'bash') return bash(nodes);
  if (shell === 'zsh') return `#compdef drover\nautoload -U +X bashcompinit && bashcompinit\n${bash(nodes)}`;
  if (shell === 'fish') return fish(nodes);
  throw new CliError(`completion for "${shell}": expected bash, zsh or fish`);
}

function bash(nodes: Node[]): string {
  const cases = nodes
    .map((n) => `    "${n.path.join(' ')}") words="${[...n.subcommands, ...n.options, '--help'].join(' ')}" ;;`)
    .join('\n');
  return `# drover completion for bash: source <(drover completion bash)
_drover() {
  local cur path="" word i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ "$word" == -* ]] && continue
    case " $(_drover_subcommands "$path") " in
      *" $word "*) path="\${path:+$path }$word" ;;
    esac
  done
  local words
  case "$path" in
${cases}
    *) words="" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
_drover_subcommands() {
  case "$1" in
${nodes.map((n) => `    "${n.path.join(' ')}") echo "${n.subcommands.join(' ')}" ;;`).join('\n')}
  esac
}
complete -F _drover drover
`;
}

function fish(nodes: Node[]): string {
  const lines = ['# drover completion for fish: drover completion fish | source', 'complete -c drover -f'];
  for (const node of nodes) {
    const parent = node.path.length === 0 ? '__fish_use_subcommand' : seen(node.path);
    for (const sub of node.subcommands) lines.push(`complete -c drover -n '${parent}' -a ${sub}`);
    for (const option of node.options.filter((o) => o.startsWith('--'))) {
      lines.push(`complete -c drover -n '${parent}' -l ${option.slice(2)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** A fish condition: every word of the path has been typed. */
function seen(path: string[]): string {
  return path.map((word) => `__fish_seen_subcommand_from ${word}`).join('; and ');
}
