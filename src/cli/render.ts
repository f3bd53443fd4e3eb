import { localSnapshot } from '../render/local.js';
import { renderSnapshot } from '../render/render.js';
import { formatIssue } from '../render/errors.js';

/** `drover render PATH`: prints the rendered jobs as a JSON array; 1 on any error. */
export function renderCommand(paths: string[], out = process.stdout, err = process.stderr): number {
  const result = renderSnapshot(localSnapshot(paths), { defaultNamespace: 'default' });
  if (result.issues.length > 0) {
    for (const issue of result.issues) err.write(formatIssue(issue) + '\n');
    return 1;
  }
  out.write(JSON.stringify(result.jobs.map((job) => job.job), null, 2) + '\n');
  return 0;
}

/** `drover validate PATH...`: 0 when every file renders, 1 with file:line:col lines otherwise. */
export function validateCommand(paths: string[], out = process.stdout, err = process.stderr): number {
  const result = renderSnapshot(localSnapshot(paths), { defaultNamespace: 'default' });
  for (const issue of result.issues) err.write(formatIssue(issue) + '\n');
  if (result.issues.length === 0) out.write(`${result.jobs.length} job(s) valid\n`);
  return result.issues.length === 0 ? 0 : 1;
}
