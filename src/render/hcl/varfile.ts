import { HclError, type Attribute } from './ast.js';
import { ExprParser } from './expr-parser.js';
import { parseHcl } from './parser.js';
import type { Problem } from './variables.js';

export type VarFile = { file: string; attributes: Attribute[]; src: string };

/**
 * Reads a var-file: HCL `name = value` lines, or a JSON object (detected like jobspec2, by a
 * leading `{`). Blocks, and `variable` declarations above all, are refused.
 */
export function parseVarFile(file: string, src: string): { varFile?: VarFile; problems: Problem[] } {
  try {
    if (src.trimStart().startsWith('{'))
      return { varFile: { file, attributes: jsonAttributes(src), src }, problems: [] };
    const body = parseHcl(src);
    const problems: Problem[] = body.blocks.map((block) => ({
      file,
      pos: block.pos,
      message:
        block.type === 'variable'
          ? `Variable declaration in a var-file: declare variable "${block.labels[0] ?? ''}" in a job file; ` +
            `here write ${block.labels[0] ?? 'name'} = <value>`
          : `Unexpected "${block.type}" block: a var-file holds only name = value arguments`,
    }));
    return problems.length > 0 ? { problems } : { varFile: { file, attributes: body.attributes, src }, problems: [] };
  } catch (error) {
    if (error instanceof HclError) return { problems: [{ file, pos: error.pos, message: error.message }] };
    throw error;
  }
}

/** A JSON object is an HCL object expression; each of its keys assigns one variable. */
function jsonAttributes(src: string): Attribute[] {
  const p = new ExprParser(src);
  const expr = p.parseExpression();
  p.skip(true);
  if (!p.atEnd()) p.fail('Extra characters after the JSON object');
  if (expr.kind !== 'object') throw new HclError(expr.pos, 'A JSON var-file must hold one object');
  return expr.items.map((item) => {
    if (item.key.kind !== 'template' && item.key.kind !== 'literal')
      throw new HclError(item.key.pos, 'Var-file keys must be strings');
    const name =
      item.key.kind === 'literal'
        ? String(item.key.value)
        : item.key.parts.map((part) => (part.kind === 'text' ? part.text : '')).join('');
    return { name, pos: item.key.pos, expr: item.value };
  });
}
