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

export type { FileAccess };

const pure: Record<string, HclFunction> = {
  ...stringFunctions,
  ...numericFunctions,
  ...collectionFunctions,
  ...encodingFunctions,
  ...cryptoFunctions,
  ...datetimeFunctions,
  ...networkFunctions,
};

/**
 * The function library of Nomad's jobspec2. `try`, `can` and `convert` need unevaluated
 * arguments and live in the evaluator. Without `files`, the file-system functions fail
 * as they do on Nomad's `/v1/jobs/parse`.
 */
export function jobspecFunctions(files?: FileAccess): Record<string, HclFunction> {
  if (files) return { ...pure, ...filesystemFunctions(files) };
  const disabled: HclFunction = () => { throw new ValueError('filesystem functions disabled'); };
  const fs = Object.fromEntries(Object.keys(filesystemFunctions({ files: new Map(), baseDir: '' })).map((name) => [name, disabled]));
  return { ...pure, ...fs };
}
