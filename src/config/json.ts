import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { DroverError } from '../domain/errors.js';
import type { HclConfig } from './hcl.js';

/**
 * Reads a JSON config (HCL's JSON form) with where each property was written, so errors name
 * `file:line:col` as they do for HCL. Strict JSON: no comments, no trailing commas.
 */
export function readJsonConfig(text: string, file: string): HclConfig {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  const lines = lineStarts(text);
  if (errors.length > 0 || !root) {
    const first = errors[0];
    const at = first ? position(lines, first.offset) : { line: 1, column: 1 };
    const what = first ? describe(printParseErrorCode(first.error)) : 'empty document';
    throw new DroverError('DROVER_ERR_CONFIG', `${file}:${at.line}:${at.column}: invalid JSON: ${what}`, { file });
  }
  if (root.type !== 'object')
    throw new DroverError('DROVER_ERR_CONFIG', `${file}:1:1: the config must be a JSON object`, { file });
  const positions: HclConfig['positions'] = new Map();
  collect(root, [], positions, lines);
  return { value: getNodeValue(root) as Record<string, unknown>, positions };
}

/** Records the position of every property and array element under `node`, keyed by dotted path. */
function collect(node: Node, path: string[], positions: HclConfig['positions'], lines: number[]): void {
  if (node.type === 'object') {
    for (const property of node.children ?? []) {
      const [key, value] = property.children ?? [];
      if (!key || !value) continue;
      const childPath = [...path, String(key.value)];
      positions.set(childPath.join('.'), { ...position(lines, key.offset), offset: key.offset });
      collect(value, childPath, positions, lines);
    }
  } else if (node.type === 'array') {
    (node.children ?? []).forEach((element, index) => {
      const childPath = [...path, String(index)];
      positions.set(childPath.join('.'), { ...position(lines, element.offset), offset: element.offset });
      collect(element, childPath, positions, lines);
    });
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function position(starts: number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - starts[low]! + 1 };
}

/** "PropertyNameExpected" -> "property name expected". */
function describe(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
