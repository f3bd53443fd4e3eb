import { DroverError } from '../domain/errors.js';

/** `file:line:col` of a field, from its path in the file's object form. */
type Where = (path: PropertyKey[]) => string;

/**
 * Checks every app's `depends_on`: each name is a configured app, not the app itself, and the
 * graph has no cycle. The error names the file, line, field and, for a cycle, its path.
 */
export function checkDependencies(apps: Record<string, { depends_on: string[] }>, at: Where, file: string): void {
  for (const [name, app] of Object.entries(apps)) {
    app.depends_on.forEach((dep, i) => {
      const field = `app.${name}.depends_on`;
      const fail = (message: string) =>
        new DroverError('DROVER_ERR_CONFIG', `${at(['app', name, 'depends_on', i])}: ${field}: ${message}`, { file });
      if (dep === name) throw fail(`app "${name}" cannot depend on itself`);
      if (!(dep in apps)) throw fail(`no app named "${dep}"`);
    });
  }
  const cycle = findCycle(apps);
  if (cycle) {
    const first = cycle[0]!;
    const message = `dependency cycle: ${cycle.join(' -> ')}; remove one of these depends_on entries`;
    throw new DroverError(
      'DROVER_ERR_CONFIG',
      `${at(['app', first, 'depends_on'])}: app.${first}.depends_on: ${message}`,
      {
        file,
      },
    );
  }
}

/** A cycle as a path that ends where it starts (`a -> b -> a`), or undefined. Depth-first, three colours. */
function findCycle(apps: Record<string, { depends_on: string[] }>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of apps[name]?.depends_on ?? []) {
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of Object.keys(apps).sort()) {
    const found = visit(name);
    if (found) return found;
  }
  return undefined;
}
