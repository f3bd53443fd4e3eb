import { HclError, type Pos } from './ast.js';

/**
 * Character cursor over HCL source. Newlines are significant at the top of a body and
 * ignored inside brackets, so `depth` counts open brackets and interpolations.
 */
export class Cursor {
  i = 0;
  depth = 0;
  blockDepth = 0;
  private readonly lineStarts: number[] = [0];

  constructor(readonly src: string) {
    for (let k = 0; k < src.length; k++) if (src.charCodeAt(k) === 10) this.lineStarts.push(k + 1);
  }

  /** Position of an offset, found by binary search over line starts. */
  posAt(offset: number): Pos {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1, offset };
  }

  pos(): Pos {
    return this.posAt(this.i);
  }

  fail(message: string, offset = this.i): never {
    throw new HclError(this.posAt(offset), message);
  }

  peek(n = 0): string {
    return this.src[this.i + n] ?? '';
  }

  startsWith(text: string): boolean {
    return this.src.startsWith(text, this.i);
  }

  atEnd(): boolean {
    return this.i >= this.src.length;
  }

  /** Skips blanks and comments; newlines too when inside brackets or when asked. */
  skip(newlines = this.depth > 0): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\r') this.i++;
      else if (c === '\n' && newlines) this.i++;
      else if (c === '#' || (c === '/' && this.peek(1) === '/')) {
        while (!this.atEnd() && this.peek() !== '\n') this.i++;
      } else if (c === '/' && this.peek(1) === '*') {
        const close = this.src.indexOf('*/', this.i + 2);
        if (close < 0) this.fail('Unterminated comment: a /* comment needs a closing */');
        this.i = close + 2;
      } else return;
    }
  }

  /** Consumes `text` after skipping blanks, or reports what was expected. */
  expect(text: string, what = `"${text}"`): void {
    this.skip();
    if (!this.startsWith(text)) this.fail(`Invalid expression: expected ${what}, found ${this.describe()}`);
    this.i += text.length;
  }

  describe(): string {
    if (this.atEnd()) return 'end of file';
    const c = this.peek();
    return c === '\n' ? 'newline' : `"${c}"`;
  }

  /** Reads an identifier (letters, digits, `_` and `-`, not starting with a digit or `-`). */
  ident(): string | undefined {
    const match = /[A-Za-z_][A-Za-z0-9_-]*/y;
    match.lastIndex = this.i;
    const m = match.exec(this.src);
    if (!m) return undefined;
    this.i += m[0].length;
    return m[0];
  }

  /** True when the identifier `word` comes next, as a whole word. */
  atWord(word: string): boolean {
    return this.startsWith(word) && !/[A-Za-z0-9_-]/.test(this.src[this.i + word.length] ?? '');
  }
}
