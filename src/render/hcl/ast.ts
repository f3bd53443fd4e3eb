/** Position of a syntax element in its file (1-based line and column, 0-based offset). */
export type Pos = { line: number; column: number; offset: number };

/** An HCL expression tree. Every node keeps where it starts, and `end` where it stops. */
export type Expr =
  | { kind: 'literal'; pos: Pos; end: number; value: null | boolean | number | string }
  | { kind: 'template'; pos: Pos; end: number; parts: TemplatePart[]; heredoc: boolean }
  | { kind: 'variable'; pos: Pos; end: number; name: string }
  | { kind: 'getattr'; pos: Pos; end: number; target: Expr; name: string }
  | { kind: 'index'; pos: Pos; end: number; target: Expr; key: Expr }
  | { kind: 'splat'; pos: Pos; end: number; target: Expr; each: Expr }
  | { kind: 'splatItem'; pos: Pos; end: number }
  | { kind: 'call'; pos: Pos; end: number; name: string; args: Expr[]; expand: boolean }
  | { kind: 'tuple'; pos: Pos; end: number; items: Expr[] }
  | { kind: 'object'; pos: Pos; end: number; items: Array<{ key: Expr; value: Expr }> }
  | { kind: 'unary'; pos: Pos; end: number; op: '!' | '-'; operand: Expr }
  | { kind: 'binary'; pos: Pos; end: number; op: string; left: Expr; right: Expr }
  | { kind: 'conditional'; pos: Pos; end: number; cond: Expr; then: Expr; else: Expr }
  | {
      kind: 'for';
      pos: Pos;
      end: number;
      keyVar?: string;
      valueVar: string;
      collection: Expr;
      key?: Expr;
      value: Expr;
      cond?: Expr;
      group: boolean;
      object: boolean;
    }
  | { kind: 'paren'; pos: Pos; end: number; inner: Expr };

/** A piece of a string template or heredoc. */
export type TemplatePart =
  | { kind: 'text'; text: string }
  /** `raw`: the source between `${` and `}`, kept byte for byte when the expression is a runtime reference. */
  | { kind: 'interp'; expr: Expr; raw?: string }
  | { kind: 'if'; pos: Pos; cond: Expr; then: TemplatePart[]; else: TemplatePart[] }
  | { kind: 'for'; pos: Pos; keyVar?: string; valueVar: string; collection: Expr; body: TemplatePart[] };

export type Attribute = { name: string; pos: Pos; expr: Expr };

export type Block = { type: string; labels: string[]; pos: Pos; body: Body };

/** A body keeps attributes and blocks in source order. */
export type Body = { attributes: Attribute[]; blocks: Block[]; pos: Pos; end: Pos };

/** A parse or evaluation problem at a position. */
export class HclError extends Error {
  constructor(
    readonly pos: Pos,
    message: string,
  ) {
    super(message);
    this.name = 'HclError';
  }
}
