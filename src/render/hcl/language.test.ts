import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHcl } from './parser.js';
import { evaluate } from './eval.js';
import { HclError } from './ast.js';
import { jobspecFunctions } from './functions/index.js';
import type { Value } from './values.js';

const vars = new Map<string, Value>([
  [
    'var',
    {
      list: ['a', 'b'],
      objs: [
        { n: 1, tags: ['x'] },
        { n: 2, tags: ['y', 'z'] },
      ],
      none: null,
      flag: true,
      name: 'web',
    },
  ],
]);

/** Evaluates `v = <expr>` the way a job file's argument is evaluated. */
function value(expr: string): Value {
  const src = `v = ${expr}\n`;
  const attr = parseHcl(src).attributes[0]!;
  return evaluate(attr.expr, { src, variables: vars, functions: jobspecFunctions() });
}

const CASES: Array<[string, Value]> = [
  ['1.5e3', 1500],
  ['-3 + 10 % 4 * 2', 1],
  ['1 != 2 && !false', true],
  ['"a" == "a" ? "yes" : "no"', 'yes'],
  ['[1, 2] == [1, 2]', true],
  ['var.list[1]', 'b'],
  ['var.list.0', 'a'],
  ['var.objs[*].n', [1, 2]],
  ['var.objs.*.n', [1, 2]],
  ['var.objs[*].tags[0]', ['x', 'y']],
  ['var.none[*]', []],
  ['var.name[*]', ['web']],
  ['[for i, o in var.objs : "${i}:${o.n}" if o.n > 1]', ['1:2']],
  ['{ for o in var.objs : o.n => length(o.tags) }', { 1: 1, 2: 2 }],
  ['"tab\\there \\"q\\" \\\\ \\u00e9 \\U0001F600"', 'tab\there "q" \\ é 😀'],
  ['"$${keep} %%{keep} $$ %"', '${keep} %{keep} $$ %'],
  ['"%{ for x in var.list }[${x}]%{ endfor }"', '[a][b]'],
  ['"%{ if var.flag }on%{ else }off%{ endif }"', 'on'],
  ['"x ${~ "y" ~} z"', 'xyz'],
  ['"${var.list}"[0]', 'a'],
  ['"${node.class}-${attr.os.name}"', '${node.class}-${attr.os.name}'],
  ['NOMAD_ALLOC_INDEX', '${NOMAD_ALLOC_INDEX}'],
  ['meta["rack"]', '${meta["rack"]}'],
  ['"{{ env \\"X\\" }}"', '{{ env "X" }}'],
  ['/* c */ 1 # trailing', 1],
  ['(1 + 2) // note', 3],
  ['<<EOT\n  two\n  lines ${var.name}\nEOT', '  two\n  lines web\n'],
  ['<<-EOT\n    a\n      b\n    EOT', 'a\n  b\n'],
  ['<<-EOT\n    ${var.name}\n      b\n    EOT', 'web\n  b\n'],
  ['{\n  a = 1\n  "b" = 2, c: 3\n}', { a: 1, b: 2, c: 3 }],
  ['max(var.objs[*].n...)', 2],
];

test('expressions, templates and runtime references evaluate as HCL does', () => {
  for (const [expr, expected] of CASES) assert.deepEqual(value(expr), expected, expr);
});

test('syntax and evaluation errors carry line and column', () => {
  const cases: Array<[string, number, number, RegExp]> = [
    ['v = "unterminated\n', 1, 5, /Unterminated template string/],
    ['v = [1, 2\n', 2, 1, /expected "," or "\]"|Missing item separator/],
    ['a = 1\na = 2\n', 2, 1, /Attribute redefined/],
    ['v = "%{ if true }x"\n', 1, 6, /needs a matching %\{endif\}/],
    ['v = <<EOT\nno end\n', 1, 5, /Unterminated heredoc/],
    ['v = 1 +\n', 1, 8, /expected the start of an expression/],
    ['block "a" "b" {\n  x = \n}\n', 2, 7, /expected the start of an expression/],
  ];
  for (const [src, line, column, message] of cases) {
    assert.throws(
      () => parseHcl(src),
      (error: unknown) =>
        error instanceof HclError &&
        error.pos.line === line &&
        error.pos.column === column &&
        message.test(error.message),
      src,
    );
  }
  assert.throws(() => value('var.list[5]'), /Invalid index: the index 5 is out of range/);
  assert.throws(() => value('var.nope'), /Undefined variable: no variable "nope"/);
  assert.throws(() => value('"x${var.list}"'), /cannot include a tuple value in a string template/);
  assert.throws(() => value('"x${var.none}"'), /null value cannot be included/);
  assert.throws(() => value('1 + "x"'), /right operand of "\+" must be a number/);
  assert.throws(() => value('{ for o in var.objs : "k" => o }'), /Duplicate object key/);
});
