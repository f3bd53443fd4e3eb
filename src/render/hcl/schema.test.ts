import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SCHEMA, type StructSpec } from './schema.js';

// The schema-completeness check: test/fixtures/nomad-schema/facts.txt records, at pinned Nomad
// commits, what each jobspec block accepts; schema.ts must accept exactly that for every struct
// the file lists (same names, same form, required and repeatable alike), and nothing more.
const FACTS = 'test/fixtures/nomad-schema/facts.txt';

type Fact = { struct: string; name: string; form: string; required: boolean; repeatable: boolean };

function readFacts(): { facts: Fact[]; sources: string[] } {
  const facts: Fact[] = [];
  const sources: string[] = [];
  for (const raw of readFileSync(FACTS, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('@')) {
      sources.push(line);
      continue;
    }
    const [struct, name, form, ...flags] = line.split(/\s+/);
    facts.push({
      struct: struct!,
      name: name!,
      form: form!,
      required: flags.includes('required'),
      repeatable: flags.includes('repeatable'),
    });
  }
  return { facts, sources };
}

/** Label fields per struct: the JSON field a parent block's label fills. */
function labelFields(): Map<string, string> {
  const out = new Map<string, string>();
  for (const spec of SCHEMA.values())
    for (const block of spec.blocks.values()) if (block.label) out.set(block.struct, block.label);
  return out;
}

/** What the schema accepts for one struct, in the facts file's terms. */
function accepted(spec: StructSpec, label: string | undefined): Fact[] {
  const out: Fact[] = [];
  for (const attr of spec.attrs.values()) {
    const map = attr.kind === 'm' || attr.kind === 'hm' || attr.kind === 'any';
    const form = attr.json === label ? 'label' : map ? (attr.asArgument ? 'map+' : 'map') : 'attr';
    out.push({ struct: spec.name, name: attr.hcl, form, required: attr.required, repeatable: false });
  }
  for (const block of spec.blocks.values())
    out.push({
      struct: spec.name,
      name: block.hcl,
      form: 'block',
      required: false,
      repeatable: block.mode !== 'single',
    });
  return out;
}

const key = (fact: Fact) =>
  `${fact.struct} ${fact.name} ${fact.form}${fact.required ? ' required' : ''}${fact.repeatable ? ' repeatable' : ''}`;

test('every fact names the commit it was read at', () => {
  const { sources } = readFacts();
  for (const source of sources.filter((s) => s.startsWith('@source')))
    assert.match(source, /^@source hashicorp\/nomad \S+ [0-9a-f]{40}$/, source);
});

test('the schema accepts exactly what Nomad accepts, for every struct the facts cover', () => {
  const { facts } = readFacts();
  const labels = labelFields();
  const structs = [...new Set(facts.map((f) => f.struct))];
  const missing = structs.filter((name) => !SCHEMA.has(name));
  assert.deepEqual(missing, [], 'facts name structs schema.ts lacks');
  // One comparison over every struct, so a failure lists all differences at once.
  const expected = Object.fromEntries(
    structs.map((name) => [
      name,
      facts
        .filter((f) => f.struct === name)
        .map(key)
        .sort(),
    ]),
  );
  const actual = Object.fromEntries(
    structs.map((name) => [name, accepted(SCHEMA.get(name)!, labels.get(name)).map(key).sort()]),
  );
  assert.deepEqual(actual, expected, `schema.ts (actual) differs from ${FACTS} (expected)`);
});
