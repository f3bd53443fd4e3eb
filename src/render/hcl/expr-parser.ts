import type { Expr, Pos } from './ast.js';
import { Cursor } from './scanner.js';
import { parseHeredoc, parseQuotedTemplate } from './template-parser.js';

const BINARY_LEVELS: string[][] = [['||'], ['&&'], ['==', '!='], ['<=', '>=', '<', '>'], ['+', '-'], ['*', '/', '%']];
const OPERATOR_START = new Set('|&=!<>+-*/%');

/** Recursive-descent parser for HCL native expressions (operators, traversals, for, templates). */
export class ExprParser extends Cursor {
  private nesting = 0;

  /** Parses one expression; nesting is bounded so hostile input fails cleanly instead of overflowing the stack. */
  parseExpression(): Expr {
    if (++this.nesting > 256) this.fail('Expression too deeply nested (more than 256 levels)');
    try {
      return this.parseConditional();
    } finally {
      this.nesting--;
    }
  }

  private parseConditional(): Expr {
    const cond = this.parseBinary(0);
    const save = this.i;
    this.skip();
    if (this.peek() !== '?') {
      this.i = save;
      return cond;
    }
    this.i++;
    this.depth++;
    const then = this.parseExpression();
    this.expect(':');
    this.depth--;
    const otherwise = this.parseExpression();
    return { kind: 'conditional', pos: cond.pos, end: this.i, cond, then, else: otherwise };
  }

  private parseBinary(level: number): Expr {
    if (level === BINARY_LEVELS.length) return this.parseUnary();
    let left = this.parseBinary(level + 1);
    for (;;) {
      const save = this.i;
      this.skip();
      const op = OPERATOR_START.has(this.peek()) ? this.operatorAt(level) : undefined;
      if (!op) {
        this.i = save;
        return left;
      }
      this.i += op.length;
      const right = this.parseBinary(level + 1);
      left = { kind: 'binary', pos: left.pos, end: this.i, op, left, right };
    }
  }

  private operatorAt(level: number): string | undefined {
    for (const candidate of BINARY_LEVELS[level]!)
      if (this.startsWith(candidate) && !this.isLongerOperator(candidate)) return candidate;
    return undefined;
  }

  /** `<` must not match `<=`/`<<`, `=` must not start `=>`, `!` must not be `!=`. */
  private isLongerOperator(op: string): boolean {
    const next = this.src[this.i + op.length] ?? '';
    if (op === '<' || op === '>') return next === '=' || (op === '<' && next === '<');
    return false;
  }

  private parseUnary(): Expr {
    this.skip();
    const pos = this.pos();
    const c = this.peek();
    if ((c === '!' && this.peek(1) !== '=') || c === '-') {
      this.i++;
      const operand = this.parseExpressionOperand();
      return { kind: 'unary', pos, end: this.i, op: c, operand };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  /** A unary operand, counted against the nesting bound like any sub-expression. */
  private parseExpressionOperand(): Expr {
    if (++this.nesting > 256) this.fail('Expression too deeply nested (more than 256 levels)');
    try {
      return this.parseUnary();
    } finally {
      this.nesting--;
    }
  }

  private parsePostfix(expr: Expr): Expr {
    for (;;) {
      const save = this.i;
      this.skip();
      if (this.startsWith('.*')) {
        this.i += 2;
        expr = this.parseSplat(expr, false);
      } else if (this.startsWith('[*]')) {
        this.i += 3;
        expr = this.parseSplat(expr, true);
      } else if (this.peek() === '.' && !/[0-9]/.test(this.peek(1)) && this.peek(1) !== '.') {
        this.i++;
        expr = this.attrStep(expr);
      } else if (this.peek() === '.' && /[0-9]/.test(this.peek(1))) {
        this.i++;
        const start = this.i;
        while (/[0-9]/.test(this.peek())) this.i++;
        const key: Expr = {
          kind: 'literal',
          pos: this.posAt(start),
          end: this.i,
          value: Number(this.src.slice(start, this.i)),
        };
        expr = { kind: 'index', pos: expr.pos, end: this.i, target: expr, key };
      } else if (this.peek() === '[') {
        this.i++;
        this.depth++;
        const key = this.parseExpression();
        this.expect(']');
        this.depth--;
        expr = { kind: 'index', pos: expr.pos, end: this.i, target: expr, key };
      } else {
        this.i = save;
        return expr;
      }
    }
  }

  private attrStep(target: Expr): Expr {
    const name = this.ident();
    if (name === undefined)
      this.fail(`Invalid attribute name: an attribute name is required after a dot, found ${this.describe()}`);
    return { kind: 'getattr', pos: target.pos, end: this.i, target, name };
  }

  /** Splats apply the traversal steps that follow (`.a`, and `[i]` for full splats) to each element. */
  private parseSplat(target: Expr, full: boolean): Expr {
    let each: Expr = { kind: 'splatItem', pos: target.pos, end: this.i };
    for (;;) {
      const save = this.i;
      this.skip();
      if (this.peek() === '.' && /[A-Za-z_]/.test(this.peek(1))) {
        this.i++;
        each = this.attrStep(each);
      } else if (full && this.peek() === '[' && this.peek(1) !== '*') {
        this.i++;
        this.depth++;
        const key = this.parseExpression();
        this.expect(']');
        this.depth--;
        each = { kind: 'index', pos: each.pos, end: this.i, target: each, key };
      } else {
        this.i = save;
        return { kind: 'splat', pos: target.pos, end: this.i, target, each };
      }
    }
  }

  private parsePrimary(): Expr {
    this.skip();
    const pos = this.pos();
    const c = this.peek();
    if (c === '"') return parseQuotedTemplate(this);
    if (c === '<' && this.peek(1) === '<') return parseHeredoc(this);
    if (/[0-9]/.test(c)) return this.parseNumber(pos);
    if (c === '(') {
      this.i++;
      this.depth++;
      const inner = this.parseExpression();
      this.expect(')');
      this.depth--;
      return { kind: 'paren', pos, end: this.i, inner };
    }
    if (c === '[') return this.parseTuple(pos);
    if (c === '{') return this.parseObject(pos);
    const name = this.ident();
    if (name === undefined)
      this.fail(`Invalid expression: expected the start of an expression, found ${this.describe()}`);
    if (name === 'true' || name === 'false') return { kind: 'literal', pos, end: this.i, value: name === 'true' };
    if (name === 'null') return { kind: 'literal', pos, end: this.i, value: null };
    if (this.peek() === '(' || (this.startsWith('::') && this.skipNamespace())) return this.parseCall(name, pos);
    return { kind: 'variable', pos, end: this.i, name };
  }

  private skipNamespace(): boolean {
    this.fail('Function namespaces (name::fn) are not supported by Nomad job specifications');
  }

  private parseNumber(pos: Pos): Expr {
    const match = /[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
    match.lastIndex = this.i;
    const m = match.exec(this.src)!;
    this.i += m[0].length;
    return { kind: 'literal', pos, end: this.i, value: Number(m[0]) };
  }

  private parseCall(name: string, pos: Pos): Expr {
    this.i++;
    this.depth++;
    const args: Expr[] = [];
    let expand = false;
    this.skip();
    while (this.peek() !== ')') {
      if (expand) this.fail('Missing closing parenthesis: the "..." expansion must be the last argument');
      args.push(this.parseExpression());
      this.skip();
      if (this.startsWith('...')) {
        this.i += 3;
        expand = true;
        this.skip();
      }
      if (this.peek() === ',') {
        this.i++;
        this.skip();
      } else if (this.peek() !== ')')
        this.fail(`Missing argument separator: expected "," or ")" in the call to ${name}, found ${this.describe()}`);
    }
    this.i++;
    this.depth--;
    return { kind: 'call', pos, end: this.i, name, args, expand };
  }

  private parseTuple(pos: Pos): Expr {
    this.i++;
    this.depth++;
    this.skip();
    if (this.atWord('for')) return this.parseFor(pos, false);
    const items: Expr[] = [];
    while (this.peek() !== ']') {
      items.push(this.parseExpression());
      this.skip();
      if (this.peek() === ',') {
        this.i++;
        this.skip();
      } else if (this.peek() !== ']')
        this.fail(`Missing item separator: expected "," or "]", found ${this.describe()}`);
    }
    this.i++;
    this.depth--;
    return { kind: 'tuple', pos, end: this.i, items };
  }

  private parseObject(pos: Pos): Expr {
    this.i++;
    this.depth++;
    this.skip();
    if (this.atWord('for')) return this.parseFor(pos, true);
    const items: Array<{ key: Expr; value: Expr }> = [];
    while (this.peek() !== '}') {
      if (this.atEnd()) this.fail('Missing closing brace: an object needs a closing "}"');
      let key = this.parseExpression();
      if (key.kind === 'variable') key = { kind: 'literal', pos: key.pos, end: key.end, value: key.name };
      this.skip();
      if (this.peek() !== '=' && this.peek() !== ':')
        this.fail(`Missing key/value separator: expected "=" or ":", found ${this.describe()}`);
      this.i++;
      items.push({ key, value: this.parseExpression() });
      this.skip(false);
      if (this.peek() === ',' || this.peek() === '\n') this.i++;
      else if (this.peek() !== '}')
        this.fail(
          `Missing attribute separator: expected a newline or comma after an object item, found ${this.describe()}`,
        );
      this.skip();
    }
    this.i++;
    this.depth--;
    return { kind: 'object', pos, end: this.i, items };
  }

  private parseFor(pos: Pos, object: boolean): Expr {
    this.i += 3;
    this.skip();
    const first = this.ident() ?? this.fail('Invalid for expression: expected a variable name after "for"');
    this.skip();
    let keyVar: string | undefined;
    let valueVar = first;
    if (this.peek() === ',') {
      this.i++;
      this.skip();
      keyVar = first;
      valueVar = this.ident() ?? this.fail('Invalid for expression: expected a value variable name after ","');
      this.skip();
    }
    if (!this.atWord('in')) this.fail(`Invalid for expression: expected "in", found ${this.describe()}`);
    this.i += 2;
    const collection = this.parseExpression();
    this.expect(':');
    let key: Expr | undefined;
    let value = this.parseExpression();
    this.skip();
    if (object) {
      if (!this.startsWith('=>')) this.fail('Invalid for expression: an object for expression needs "key => value"');
      this.i += 2;
      key = value;
      value = this.parseExpression();
      this.skip();
    }
    let group = false;
    if (object && this.startsWith('...')) {
      this.i += 3;
      group = true;
      this.skip();
    }
    let cond: Expr | undefined;
    if (this.atWord('if')) {
      this.i += 2;
      cond = this.parseExpression();
    }
    this.expect(object ? '}' : ']');
    this.depth--;
    return { kind: 'for', pos, end: this.i, keyVar, valueVar, collection, key, value, cond, group, object };
  }
}
