import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExprParser } from '../expr-parser.js';
import { evaluate } from '../eval.js';
import { HclError } from '../ast.js';
import { jobspecFunctions } from './index.js';
import type { Value } from '../values.js';

const files = new Map([
  ['app/conf/a.txt', Buffer.from('hello\n')],
  ['app/conf/b.txt', Buffer.from('b')],
  ['app/conf/run.sh', Buffer.from('exec app --config=${CONFIG} %{x}\n')],
  ['app/job.hcl', Buffer.from('')],
]);
const functions = jobspecFunctions({ files, baseDir: 'app' });

function run(src: string): Value {
  const p = new ExprParser(src);
  return evaluate(p.parseExpression(), { src, variables: new Map(), functions });
}

// Every function of jobspec2's library, with a value checked by hand against the cty/go-cty-funcs docs.
const CASES: Array<[string, Value]> = [
  ['chomp("hello\\n\\n")', 'hello'],
  [
    'format("%s-%03d-%.2f-%t-%q-%x-%5s|%-4s|", "a", 7, 3.14159, true, "q", 255, "r", "l")',
    'a-007-3.14-true-"q"-ff-    r|l   |',
  ],
  ['formatlist("%s=%d", ["a", "b"], [1, 2])', ['a=1', 'b=2']],
  ['indent(2, "a\\nb")', 'a\n  b'],
  ['join(", ", ["a", "b"], ["c"])', 'a, b, c'],
  ['lower("ABC")', 'abc'],
  ['upper("abc")', 'ABC'],
  ['replace("a-b-c", "-", "+")', 'a+b+c'],
  ['replace("a1b22", "/[0-9]+/", "#")', 'a#b#'],
  ['regex_replace("v1.2.3", "(\\\\d+)\\\\.(\\\\d+)", "$2.$1")', 'v2.1.3'],
  ['split(",", "a,b,,c")', ['a', 'b', '', 'c']],
  ['strlen("héllo")', 5],
  ['strrev("abc")', 'cba'],
  ['substr("hello world", 1, 4)', 'ello'],
  ['substr("hello", -3, -1)', 'llo'],
  ['title("hello world")', 'Hello World'],
  ['trim("?!hello?!", "!?")', 'hello'],
  ['trimprefix("helloworld", "hello")', 'world'],
  ['trimsuffix("helloworld", "world")', 'hello'],
  ['trimspace("  x \\n")', 'x'],
  ['abs(-3.5)', 3.5],
  ['ceil(4.1)', 5],
  ['floor(4.9)', 4],
  ['log(16, 2)', 4],
  ['max(1, 7, 3)', 7],
  ['min(4, 2, 9)', 2],
  ['parseint("ff", 16)', 255],
  ['parseint("-1010", 2)', -10],
  ['pow(2, 10)', 1024],
  ['signum(-9)', -1],
  ['chunklist(["a", "b", "c"], 2)', [['a', 'b'], ['c']]],
  ['coalesce("", "b", "c")', 'b'],
  ['coalescelist([], ["x"])', ['x']],
  ['compact(["a", "", "b"])', ['a', 'b']],
  ['concat([1], [2, 3])', [1, 2, 3]],
  ['contains(["a", "b"], "b")', true],
  ['distinct(["a", "b", "a"])', ['a', 'b']],
  ['element(["a", "b"], 3)', 'b'],
  ['flatten([["a"], [["b"]], "c"])', ['a', 'b', 'c']],
  ['index(["a", "b"], "b")', 1],
  ['keys({ b = 1, a = 2 })', ['a', 'b']],
  ['values({ b = 1, a = 2 })', [2, 1]],
  ['length({ a = 1 })', 1],
  ['length("héllo")', 5],
  ['lookup({ a = "x" }, "b", "d")', 'd'],
  ['merge({ a = 1 }, { b = 2, a = 3 })', { a: 3, b: 2 }],
  ['range(3)', [0, 1, 2]],
  ['range(1, 8, 3)', [1, 4, 7]],
  ['reverse([1, 2])', [2, 1]],
  ['setintersection(["a", "b"], ["b", "c"])', ['b']],
  [
    'setproduct(["a"], [1, 2])',
    [
      ['a', 1],
      ['a', 2],
    ],
  ],
  ['setunion(["b"], ["a", "b"])', ['a', 'b']],
  ['slice(["a", "b", "c"], 1, 3)', ['b', 'c']],
  ['sort(["c", "a", "b"])', ['a', 'b', 'c']],
  ['zipmap(["a", "b"], [1, 2])', { a: 1, b: 2 }],
  ['base64encode("hi")', 'aGk='],
  ['base64decode("aGk=")', 'hi'],
  ['csvdecode("a,b\\n1,2\\n")', [{ a: '1', b: '2' }]],
  ['jsonencode({ b = [1, "<"], a = null })', '{"a":null,"b":[1,"\\u003c"]}'],
  ['jsondecode("{\\"b\\":1,\\"a\\":[true]}")', { a: [true], b: 1 }],
  ['urlencode("a b&c/d")', 'a+b%26c%2Fd'],
  ['yamldecode("a: 1\\nb: [x, y]\\n")', { a: 1, b: ['x', 'y'] }],
  [
    'yamlencode({ foo = [1, 2], bar = "baz", m = { x = true } })',
    '"bar": "baz"\n"foo":\n- 1\n- 2\n"m":\n  "x": true\n',
  ],
  ['md5("hello")', '5d41402abc4b2a76b9719d911017c592'],
  ['sha1("hello")', 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d'],
  ['sha256("hello")', '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'],
  ['substr(sha512("hello"), 0, 16)', '9b71d224bd62f378'],
  ['uuidv5("dns", "www.example.com")', '2ed6657d-e927-568b-95e1-2665a8aea6a2'],
  ['length(uuidv4())', 36],
  ['formatdate("DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z")', '02 Jan 2018 23:12 UTC'],
  ['formatdate("EEEE, h:mm AA \'o\'\'clock\'", "2018-01-02T23:12:01-08:00")', "Tuesday, 23:12 PM o'clock"],
  ['timeadd("2017-11-22T00:00:00Z", "10m")', '2017-11-22T00:10:00Z'],
  ['cidrhost("10.12.112.0/20", 16)', '10.12.112.16'],
  ['cidrhost("10.12.112.0/20", -2)', '10.12.127.254'],
  ['cidrhost("fd00:fd12:3456:7890::/56", 16)', 'fd00:fd12:3456:7800::10'],
  ['cidrnetmask("172.16.0.0/12")', '255.240.0.0'],
  ['cidrsubnet("172.16.0.0/12", 4, 2)', '172.18.0.0/16'],
  ['cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)', ['10.1.0.0/20', '10.1.16.0/20', '10.1.32.0/24', '10.1.48.0/20']],
  ['file("conf/a.txt")', 'hello\n'],
  ['filebase64("conf/b.txt")', 'Yg=='],
  ['fileescaped("conf/run.sh")', 'exec app --config=$${CONFIG} %%{x}\n'],
  ['fileexists("conf/nope.txt")', false],
  ['fileset("conf", "*.txt")', ['a.txt', 'b.txt']],
  ['fileset(".", "**/*.sh")', ['conf/run.sh']],
  ['abspath("conf/../job.hcl")', '/app/job.hcl'],
  ['basename("a/b/c.txt")', 'c.txt'],
  ['dirname("a/b/c.txt")', 'a/b'],
  ['pathexpand("/etc")', '/etc'],
  ['try(nosuch.attr.x, "fallback")', '${nosuch.attr.x}'],
  ['try(tonumber_missing("x"), "fallback")', 'fallback'],
  ['can(parseint("zz", 10))', false],
  ['convert("5", number)', 5],
  ['convert(["a", "a"], set(string))', ['a']],
];

test('every jobspec2 function computes what its documentation says', () => {
  for (const [src, expected] of CASES) assert.deepEqual(run(src), expected, src);
});

test('bad arguments fail with the function named and the position of the call', () => {
  const bad: Array<[string, RegExp]> = [
    ['upper([1])', /upper: argument 1 \(str\) must be a string, not tuple/],
    ['parseint("12", 99)', /parseint: base must be a whole number between 2 and 62/],
    ['base64decode("!!")', /base64decode: failed to decode base64/],
    ['cidrsubnet("10.0.0.0/30", 4, 0)', /insufficient address space/],
    ['jsondecode("{")', /jsondecode: invalid JSON/],
    ['range(0, 2000)', /more than 1024 values/],
    ['timeadd("yesterday", "1h")', /not a valid RFC3339 timestamp/],
    ['bcrypt("x")', /not supported by the offline renderer/],
    ['format("%d", "x")', /must be a number/],
    ['zipmap(["a"], [])', /number of keys \(1\) does not match/],
  ];
  for (const [src, pattern] of bad) {
    assert.throws(
      () => run(`  ${src}`),
      (error: unknown) => error instanceof HclError && error.pos.column === 3 && pattern.test(error.message),
      src,
    );
  }
});

test('without repository files, file functions fail as on /v1/jobs/parse', () => {
  const src = 'file("a")';
  const p = new ExprParser(src);
  assert.throws(
    () => evaluate(p.parseExpression(), { src, variables: new Map(), functions: jobspecFunctions() }),
    /filesystem functions disabled/,
  );
});
