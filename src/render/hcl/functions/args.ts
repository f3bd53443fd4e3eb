import { ValueError, type Value } from '../values.js';

/** Checks the argument count, naming the parameters as the function documents them. */
export function arity(args: Value[], params: string[], variadic = false): void {
  if (args.length < params.length || (!variadic && args.length > params.length)) {
    const expected = variadic ? `at least ${params.length}` : `${params.length}`;
    throw new ValueError(
      `expected ${expected} argument(s) (${params.join(', ')}${variadic ? ', ...' : ''}), got ${args.length}`,
    );
  }
}

/** Names an argument in errors: `argument 2 (substr)`. */
export function arg(n: number, name: string): string {
  return `argument ${n} (${name})`;
}
