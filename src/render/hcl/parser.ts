import { HclError, type Attribute, type Block, type Body } from './ast.js';
import { ExprParser } from './expr-parser.js';

/**
 * Parses an HCL native-syntax file into a body tree with positions. Throws HclError at the
 * first syntax error, as hashicorp/hcl stops a body at the first broken construct.
 */
export function parseHcl(src: string): Body {
  const p = new ExprParser(src.replace(/^\uFEFF/, ''));
  const body = parseBody(p, false);
  if (!p.atEnd()) p.fail(`Argument or block definition required: unexpected ${p.describe()}`);
  return body;
}

function parseBody(p: ExprParser, nested: boolean): Body {
  const pos = p.pos();
  const attributes: Attribute[] = [];
  const blocks: Block[] = [];
  const seen = new Set<string>();
  for (;;) {
    p.skip(true);
    if (p.atEnd() || (nested && p.peek() === '}')) break;
    const start = p.pos();
    const name = p.ident();
    if (name === undefined)
      p.fail(
        `Argument or block definition required: an argument or block must start with a name, found ${p.describe()}`,
      );
    p.skip(false);
    if (p.peek() === '=' && p.peek(1) !== '=') {
      p.i++;
      if (seen.has(name))
        throw new HclError(start, `Attribute redefined: the argument "${name}" was already set in this block`);
      seen.add(name);
      attributes.push({ name, pos: start, expr: p.parseExpression() });
      endOfItem(p, nested);
      continue;
    }
    blocks.push(parseBlock(p, name, start));
    endOfItem(p, nested);
  }
  return { attributes, blocks, pos, end: p.pos() };
}

const MAX_BLOCK_DEPTH = 64;

function parseBlock(p: ExprParser, type: string, pos: Block['pos']): Block {
  if (p.blockDepth >= MAX_BLOCK_DEPTH)
    p.fail(`Blocks nested too deeply (more than ${MAX_BLOCK_DEPTH} levels)`, pos.offset);
  const labels: string[] = [];
  for (;;) {
    p.skip(false);
    if (p.peek() === '{') break;
    if (p.peek() === '"') labels.push(readLabel(p));
    else {
      const label = p.ident();
      if (label === undefined)
        p.fail(`Invalid block definition: expected a label or "{" after "${type}", found ${p.describe()}`);
      labels.push(label);
    }
  }
  p.i++;
  p.blockDepth++;
  const body = singleLine(p) ? parseSingleLineBody(p, type) : parseBody(p, true);
  p.blockDepth--;
  p.skip(true);
  if (p.peek() !== '}')
    p.fail(
      `Unclosed configuration block: the "${type}" block opened at line ${pos.line} needs a closing "}"`,
      pos.offset,
    );
  p.i++;
  return { type, labels, pos, body };
}

/** A block whose `{` is not followed by a newline (or a comment running to one) is a single-line block. */
function singleLine(p: ExprParser): boolean {
  const save = p.i;
  p.skip(false);
  const multi = p.atEnd() || p.peek() === '\n';
  p.i = save;
  return !multi;
}

/** HCL's single-line block: `{}` or `{ name = value }`, at most one argument and no nested block. */
function parseSingleLineBody(p: ExprParser, type: string): Body {
  const pos = p.pos();
  p.skip(false);
  if (p.peek() === '}') return { attributes: [], blocks: [], pos, end: p.pos() };
  const start = p.pos();
  const name = p.ident();
  if (name === undefined)
    p.fail(`Argument or block definition required: an argument must start with a name, found ${p.describe()}`);
  p.skip(false);
  if (p.peek() !== '=' || p.peek(1) === '=')
    p.fail(
      `Invalid single-argument block definition: a single-line "${type}" block holds at most one argument ` +
        `and no blocks; to define a nested "${name}" block, put it on a line of its own`,
      start.offset,
    );
  p.i++;
  const attributes: Attribute[] = [{ name, pos: start, expr: p.parseExpression() }];
  p.skip(false);
  if (p.peek() !== '}')
    p.fail(
      `Invalid single-argument block definition: a single-line "${type}" block must end with "}" ` +
        'right after its one argument',
    );
  return { attributes, blocks: [], pos, end: p.pos() };
}

/** A block label is a plain quoted string: interpolation is not allowed there. */
function readLabel(p: ExprParser): string {
  const start = p.i;
  const m = /"((?:[^"\\\n$]|\\.|\$(?!\{))*)"/y;
  m.lastIndex = start;
  const found = m.exec(p.src);
  if (!found) p.fail('Invalid block label: labels must be quoted strings without interpolation');
  p.i = start + found[0].length;
  try {
    return JSON.parse(
      found[0].replace(/\\U([0-9a-fA-F]{8})/g, (_all, hex: string) =>
        JSON.stringify(String.fromCodePoint(parseInt(hex, 16))).slice(1, -1),
      ),
    ) as string;
  } catch {
    return p.fail('Invalid block label: the label has an invalid escape sequence', start);
  }
}

/** Every argument or block ends at a newline, the end of file or the enclosing "}". */
function endOfItem(p: ExprParser, nested: boolean): void {
  p.skip(false);
  if (p.peek() === '\n') {
    p.i++;
    return;
  }
  if (p.atEnd() || (nested && p.peek() === '}')) return;
  p.fail(
    `Missing newline after argument: an argument or block definition must end with a newline, found ${p.describe()}`,
  );
}
