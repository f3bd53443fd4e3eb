import { z } from 'zod';
import { parseDuration } from '../domain/duration.js';

const duration = z.string().refine((value) => {
  try {
    return parseDuration(value) > 0;
  } catch {
    return false;
  }
}, { message: 'must be a positive Go duration such as "30s" or "3m"' });

const name = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/, 'must be 1-63 letters, digits, "_", "." or "-"');

export const clusterSchema = z.strictObject({
  address: z.string().url().optional(),
  token_file: z.string().optional(),
  region: z.string().optional(),
});

export const repositorySchema = z.strictObject({
  url: z.string().min(1),
  poll_interval: duration.default('3m'),
});

export const appSchema = z.strictObject({
  repository: z.string().optional(),
  url: z.string().optional(),
  revision: z.string().min(1).default('HEAD'),
  path: z.string().default('.'),
  cluster: z.string().default('default'),
  namespace: z.string().default('default'),
  /** local: the built-in renderer; server: Nomad's /v1/jobs/parse; auto: server when reachable, else local. */
  render: z.enum(['local', 'server', 'auto']).default('local'),
  /** Job variables, as `-var name=value`: strings as written, other values as their HCL/JSON text. */
  vars: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown()), z.record(z.string(), z.unknown())]))
    .default({}).transform((vars) => Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]))),
  /** Var-files, relative to the app's path, lowest precedence first. */
  var_files: z.array(z.string().min(1)).default([]),
  sync: z.strictObject({
    automated: z.boolean().default(true),
    prune: z.boolean().default(false),
    self_heal: z.boolean().default(false),
    allow_empty: z.boolean().default(false),
  }).default({ automated: true, prune: false, self_heal: false, allow_empty: false }),
}).refine((app) => (app.repository === undefined) !== (app.url === undefined), {
  message: 'set exactly one of "repository" or "url"',
});

/** The config file in HCL's JSON form: labelled blocks are objects keyed by label. */
export const fileSchema = z.strictObject({
  listen: z.string().default('127.0.0.1:8080'),
  data_dir: z.string().default('./data'),
  refresh_interval: duration.default('3m'),
  cluster: z.record(name, clusterSchema).default({}),
  repository: z.record(name, repositorySchema).default({}),
  app: z.record(name, appSchema).default({}),
});

export type ConfigFile = z.infer<typeof fileSchema>;
