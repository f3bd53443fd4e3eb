import type { HclFunction } from '../eval.js';
import { ValueError } from '../values.js';
import { collectionFunctions } from './collections.js';
import { cryptoFunctions } from './crypto.js';
import { datetimeFunctions } from './datetime.js';
import { encodingFunctions } from './encoding.js';
import { filesystemFunctions, type FileAccess } from './filesystem.js';
import { networkFunctions } from './network.js';
import { numericFunctions } from './numeric.js';
import { stringFunctions } from './strings.js';
import { yamlFunctions } from './yaml.js';

export type { FileAccess };

/** Null prototype, so names like "constructor" are not functions. */
const pure: Record<string, HclFunction> = Object.assign(Object.create(null) as Record<string, HclFunction>, {
  ...stringFunctions,
  ...numericFunctions,
  ...collectionFunctions,
  ...encodingFunctions,
  ...cryptoFunctions,
  ...datetimeFunctions,
  ...networkFunctions,
  ...yamlFunctions,
});

const disabledFs: Record<string, HclFunction> = Object.create(pure) as Record<string, HclFunction>;
for (const name of Object.keys(filesystemFunctions({ files: new Map(), baseDir: '' }))) {
  disabledFs[name] = () => {
    throw new ValueError('filesystem functions disabled');
  };
}

/**
 * The function library of Nomad's jobspec2. `try`, `can` and `convert` need unevaluated
 * arguments and live in the evaluator. Without `files`, the file-system functions fail
 * as they do on Nomad's `/v1/jobs/parse`. The shared table is the prototype, so building
 * the library for one file copies nothing.
 */
export function jobspecFunctions(files?: FileAccess): Record<string, HclFunction> {
  if (!files) return disabledFs;
  return Object.assign(Object.create(pure) as Record<string, HclFunction>, filesystemFunctions(files));
}
