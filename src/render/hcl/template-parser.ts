import type { Expr, Pos, TemplatePart } from './ast.js';
import type { ExprParser } from './expr-parser.js';

/** Flat template tokens before `%{if}`/`%{for}` nesting is resolved. */
type Token =
  | { kind: 'text'; text: string }
  | { kind: 'interp'; expr: Expr; raw: string; stripBefore: boolean; stripAfter: boolean }
  | {
      kind: 'directive';
      pos: Pos;
      word: 'if' | 'else' | 'endif' | 'for' | 'endfor';
      expr?: Expr;
      keyVar?: string;
      valueVar?: string;
      stripBefore: boolean;
      stripAfter: boolean;
    };

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/** Parses a quoted string template starting at its opening quote. */
export function parseQuotedTemplate(p: ExprParser): Expr {
  const pos = p.pos();
  p.i++;
  const tokens: Token[] = [];
  let text = '';
  for (;;) {
    const c = p.peek();
    if (p.atEnd() || c === '\n')
      p.fail('Unterminated template string: a quoted string needs a closing quote on the same line', pos.offset);
    if (c === '"') break;
    if (c === '\\') {
      text += readEscape(p);
      continue;
    }
    const special = readSpecial(p, tokens, text);
    if (special !== undefined) {
      text = special;
      continue;
    }
    text += c;
    p.i++;
  }
  p.i++;
  if (text !== '') tokens.push({ kind: 'text', text });
  return { kind: 'template', pos, end: p.i, parts: nest(p, tokens), heredoc: false };
}

/** Parses `<<EOF` / `<<-EOF` heredocs; `<<-` removes the common indentation of the lines. */
export function parseHeredoc(p: ExprParser): Expr {
  const pos = p.pos();
  p.i += 2;
  const indent = p.peek() === '-';
  if (indent) p.i++;
  const marker = p.ident() ?? p.fail('Invalid heredoc: expected an identifier after "<<"');
  if (p.peek() === '\r') p.i++;
  if (p.peek() !== '\n') p.fail('Invalid heredoc: the marker must be followed by a newline');
  p.i++;
  const bodyStart = p.i;
  const closing = new RegExp(`^[ \\t]*${marker}[ \\t]*\\r?$`, 'm');
  closing.lastIndex = 0;
  const rest = p.src.slice(bodyStart);
  const m = closing.exec(rest);
  if (!m) p.fail(`Unterminated heredoc: no line holding only "${marker}" closes it`, pos.offset);
  const bodyEnd = bodyStart + m.index;
  const tokens: Token[] = [];
  let text = '';
  const savedDepth = p.depth;
  p.depth = 0;
  while (p.i < bodyEnd) {
    const special = readSpecial(p, tokens, text);
    if (special !== undefined) {
      text = special;
      continue;
    }
    text += p.peek();
    p.i++;
  }
  p.depth = savedDepth;
  if (text !== '') tokens.push({ kind: 'text', text });
  if (indent) dedent(tokens);
  p.i = bodyEnd + m[0].length;
  return { kind: 'template', pos, end: p.i, parts: nest(p, tokens), heredoc: true };
}

function readEscape(p: ExprParser): string {
  const next = p.peek(1);
  if (next in ESCAPES) {
    p.i += 2;
    return ESCAPES[next]!;
  }
  if (next === 'u' || next === 'U') {
    const len = next === 'u' ? 4 : 8;
    const hex = p.src.slice(p.i + 2, p.i + 2 + len);
    if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len)
      p.fail(`Invalid escape sequence: \\${next} needs ${len} hexadecimal digits`);
    p.i += 2 + len;
    return String.fromCodePoint(parseInt(hex, 16));
  }
  return p.fail(`Invalid escape sequence: "\\${next}" is not a valid escape; use "\\\\" for a backslash`);
}

/**
 * Handles `$${`, `%%{`, `${...}` and `%{...}` at the cursor. Returns the literal text to carry
 * on with, or undefined when the cursor is on ordinary text.
 */
function readSpecial(p: ExprParser, tokens: Token[], text: string): string | undefined {
  if (p.startsWith('$${') || p.startsWith('%%{')) {
    p.i += 3;
    return text + p.src[p.i - 3] + '{';
  }
  if (!p.startsWith('${') && !p.startsWith('%{')) return undefined;
  if (text !== '') tokens.push({ kind: 'text', text });
  const directive = p.peek() === '%';
  const pos = p.pos();
  p.i += 2;
  const stripBefore = p.peek() === '~';
  if (stripBefore) p.i++;
  p.depth++;
  if (directive) tokens.push(readDirective(p, pos, stripBefore));
  else {
    const from = p.i;
    const expr = p.parseExpression();
    p.skip();
    const raw = p.src.slice(from, p.i);
    const stripAfter = p.peek() === '~';
    if (stripAfter) p.i++;
    p.depth--;
    p.expect('}', 'the closing "}" of the interpolation');
    tokens.push({ kind: 'interp', expr, raw, stripBefore, stripAfter });
  }
  return '';
}

function readDirective(p: ExprParser, pos: Pos, stripBefore: boolean): Token {
  p.skip();
  const word = p.ident();
  let token: Token;
  if (word === 'if')
    token = { kind: 'directive', pos, word, expr: p.parseExpression(), stripBefore, stripAfter: false };
  else if (word === 'for') {
    p.skip();
    const first = p.ident() ?? p.fail('Invalid template directive: expected a variable name after "for"');
    p.skip();
    let keyVar: string | undefined;
    let valueVar = first;
    if (p.peek() === ',') {
      p.i++;
      p.skip();
      keyVar = first;
      valueVar = p.ident() ?? p.fail('Invalid template directive: expected a value variable name');
      p.skip();
    }
    if (!p.atWord('in')) p.fail('Invalid template directive: expected "in" in the for directive');
    p.i += 2;
    token = {
      kind: 'directive',
      pos,
      word,
      keyVar,
      valueVar,
      expr: p.parseExpression(),
      stripBefore,
      stripAfter: false,
    };
  } else if (word === 'else' || word === 'endif' || word === 'endfor')
    token = { kind: 'directive', pos, word, stripBefore, stripAfter: false };
  else
    return p.fail(
      `Invalid template directive: expected if, else, endif, for or endfor, found ${word === undefined ? p.describe() : `"${word}"`}`,
    );
  p.skip();
  if (p.peek() === '~') {
    token.stripAfter = true;
    p.i++;
  }
  p.depth--;
  p.expect('}', 'the closing "}" of the template directive');
  return token;
}

/** Applies strip markers to neighbouring text, then nests if/for directives. */
function nest(p: ExprParser, tokens: Token[]): TemplatePart[] {
  tokens.forEach((token, k) => {
    if (token.kind === 'text') return;
    const before = tokens[k - 1];
    const after = tokens[k + 1];
    if (token.stripBefore && before?.kind === 'text') before.text = before.text.replace(/\s+$/, '');
    if (token.stripAfter && after?.kind === 'text') after.text = after.text.replace(/^\s+/, '');
  });
  return nestUntil(p, { tokens, k: 0 }, []).parts;
}

type NestState = { tokens: Token[]; k: number };

function nestUntil(
  p: ExprParser,
  state: NestState,
  ends: string[],
): { parts: TemplatePart[]; end?: Token & { kind: 'directive' } } {
  const parts: TemplatePart[] = [];
  while (state.k < state.tokens.length) {
    const token = state.tokens[state.k++]!;
    if (token.kind === 'text') parts.push({ kind: 'text', text: token.text });
    else if (token.kind === 'interp') parts.push({ kind: 'interp', expr: token.expr, raw: token.raw });
    else if (ends.includes(token.word)) return { parts, end: token };
    else if (token.word === 'if') {
      const then = nestUntil(p, state, ['else', 'endif']);
      if (!then.end) p.fail('Unterminated template directive: %{if} needs a matching %{endif}', token.pos.offset);
      const otherwise = then.end.word === 'else' ? nestUntil(p, state, ['endif']) : { parts: [], end: then.end };
      if (!otherwise.end)
        p.fail('Unterminated template directive: %{else} needs a matching %{endif}', token.pos.offset);
      parts.push({ kind: 'if', pos: token.pos, cond: token.expr!, then: then.parts, else: otherwise.parts });
    } else if (token.word === 'for') {
      const body = nestUntil(p, state, ['endfor']);
      if (!body.end) p.fail('Unterminated template directive: %{for} needs a matching %{endfor}', token.pos.offset);
      parts.push({
        kind: 'for',
        pos: token.pos,
        keyVar: token.keyVar,
        valueVar: token.valueVar!,
        collection: token.expr!,
        body: body.parts,
      });
    } else
      p.fail(`Unexpected template directive: %{${token.word}} has no matching opening directive`, token.pos.offset);
  }
  return { parts };
}

/** Removes the smallest indentation shared by the heredoc's non-blank lines. */
function dedent(tokens: Token[]): void {
  const lines: string[] = [];
  let atLineStart = true;
  tokens.forEach((token, k) => {
    if (token.kind !== 'text') {
      atLineStart = false;
      return;
    }
    const parts = token.text.split('\n');
    // A line holding only blanks before an interpolation or directive is not blank.
    const continues = k + 1 < tokens.length;
    parts.forEach((line, n) => {
      if ((n > 0 || atLineStart) && (line.trim() !== '' || (continues && n === parts.length - 1))) lines.push(line);
    });
    atLineStart = token.text.endsWith('\n');
  });
  const width = Math.min(...lines.map((line) => /^[ \t]*/.exec(line)![0].length));
  if (!Number.isFinite(width) || width === 0) return;
  atLineStart = true;
  for (const token of tokens) {
    if (token.kind !== 'text') {
      atLineStart = false;
      continue;
    }
    token.text = token.text
      .split('\n')
      .map((line, n) => (n > 0 || atLineStart ? line.replace(new RegExp(`^[ \\t]{0,${width}}`), '') : line))
      .join('\n');
    atLineStart = token.text.endsWith('\n');
  }
}
