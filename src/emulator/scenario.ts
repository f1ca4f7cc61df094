import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { BUILD_RESULTS } from '../contract/results.js';
import type { BuildScript, EmulatorJob, EmulatorScenario, FaultRule } from './types.js';

// Strict objects so that a typo in a scenario file ("duration" for "durationMs") is reported
// instead of silently falling back to a default.

const resultSchema = z.enum(BUILD_RESULTS);
// At most 2^31−1 ms: Node would turn a longer timer delay into 1 ms.
const millis = z.number().int().nonnegative().max(2 ** 31 - 1, 'must be at most 2147483647 ms (about 24.8 days)');

export const buildScriptSchema: z.ZodType<BuildScript> = z.strictObject({
  durationMs: millis.optional(),
  result: resultSchema.optional(),
  consoleLines: z.union([z.number().int().nonnegative(), z.array(z.string())]).optional(),
  artifacts: z.record(z.string().min(1), z.string()).optional(),
  resultBeforeEndMs: millis.optional(),
});

const parameterSchema = z
  .strictObject({
    name: z.string().min(1),
    type: z.enum(['string', 'boolean', 'choice', 'password', 'file', 'text']).optional(),
    default: z.union([z.string(), z.boolean()]).optional(),
    choices: z.array(z.string()).min(1).optional(),
  })
  .refine((p) => p.type !== 'choice' || p.choices !== undefined, {
    message: 'a choice parameter needs `choices`',
    path: ['choices'],
  });

export const jobSchema: z.ZodType<EmulatorJob> = z.strictObject({
  name: z
    .string()
    .min(1)
    .refine((n) => !n.startsWith('/') && !n.endsWith('/') && !n.includes('//'), {
      message: 'job names are folder paths like "team/deploy" without leading, trailing or double slashes',
    }),
  parameters: z.array(parameterSchema).optional(),
  disabled: z.boolean().optional(),
  token: z.string().min(1).optional(),
  quietPeriodMs: millis.optional(),
  concurrentBuild: z.boolean().optional(),
  build: buildScriptSchema.optional(),
});

export const scenarioSchema: z.ZodType<EmulatorScenario> = z.strictObject({
  jobs: z.array(jobSchema),
  scripts: z.record(z.string().min(1), buildScriptSchema).optional(),
  scriptParameter: z.string().min(1).optional(),
  security: z
    .strictObject({
      anonymousRead: z.boolean().optional(),
      anonymousBuild: z.boolean().optional(),
      users: z
        .array(
          z.strictObject({
            name: z.string().min(1),
            password: z.string().optional(),
            apiTokens: z.array(z.string().min(1)).optional(),
            bearerTokens: z.array(z.string().min(1)).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  csrf: z.strictObject({ enabled: z.boolean().optional(), field: z.string().min(1).optional() }).optional(),
  executors: z.number().int().positive().optional(),
  publicUrl: z.url().optional(),
  leftItemExpiryMs: millis.optional(),
  leftItemNoExecutableMs: millis.optional(),
  quietPeriodMs: millis.optional(),
  cookieSuffix: z
    .string()
    .regex(/^[A-Za-z0-9]+$/, 'letters and digits only')
    .optional(),
});

/** Fault rules as they arrive over the admin API (JSON, so `path` can only be a string). */
export const faultSchema: z.ZodType<FaultRule> = z.strictObject({
  method: z.string().min(1).optional(),
  path: z.string().min(1).optional(),
  kind: z.enum(['status503', 'status500', 'html200', 'loginRedirect', 'slow', 'reset', 'acceptThenDrop', 'acceptThenSlow']),
  times: z.number().int().positive().optional(),
  delayMs: millis.optional(),
});

/** One line per problem, each naming the field, e.g. `jobs.0.build.durationMs: Invalid input: expected number`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('\n');
}

/** A scenario that cannot be read or is invalid; `field` names the first offending field. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
  constructor(
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

export function parseScenario(value: unknown, source = 'scenario'): EmulatorScenario {
  const parsed = scenarioSchema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0]?.path.join('.') || null;
    throw new ScenarioError(`Invalid emulator ${source}:\n${describeZodError(parsed.error)}`, first);
  }
  const names = new Set<string>();
  for (const job of parsed.data.jobs) {
    if (names.has(job.name)) throw new ScenarioError(`Invalid emulator ${source}:\njobs: duplicate job name "${job.name}"`, 'jobs');
    names.add(job.name);
  }
  return parsed.data;
}

/** Loads a scenario from JSON or YAML (chosen by extension; anything but .json is read as YAML). */
export async function loadScenarioFile(path: string): Promise<EmulatorScenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ScenarioError(`Cannot read emulator scenario ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'scenario');
  }
  let raw: unknown;
  try {
    raw = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ScenarioError(`Cannot parse emulator scenario ${path}: ${(error as Error).message.split('\n')[0]}`, 'scenario');
  }
  return parseScenario(raw, `scenario ${path}`);
}

const demoLog = [
  'Cloning repository https://git.example.com/acme/demo.git',
  ' > git fetch --tags --force --progress -- origin +refs/heads/*:refs/remotes/origin/*',
  ' > git checkout -f 4f2c9d1e8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d',
  'Commit message: "Bump version to 1.4.2"',
  '[demo] $ /bin/sh -xe /tmp/jenkins1234567890.sh',
  '+ npm ci',
  'added 412 packages in 6.1s',
  '+ npm test',
  '> demo@1.4.2 test',
  'Tests: 42 passed, 42 total',
  'Archiving artifacts',
  'Recording test results',
];

/** A small ready-made scenario used by `remote-trigger emulator` and the demo. */
export const demoScenario: EmulatorScenario = {
  jobs: [
    {
      name: 'demo',
      parameters: [
        { name: 'BRANCH', type: 'string', default: 'main' },
        { name: 'DRY_RUN', type: 'boolean', default: false },
      ],
      build: {
        durationMs: 8000,
        consoleLines: demoLog,
        artifacts: {
          'build-results.json': JSON.stringify({
            tests: 42,
            failed: 0,
            urlToTestResults: 'https://reports.example.com/demo/latest/index.html',
          }),
        },
      },
    },
    { name: 'plain', build: { durationMs: 3000, consoleLines: 5 } },
    {
      name: 'team/deploy',
      parameters: [
        { name: 'ENV', type: 'choice', choices: ['dev', 'staging', 'prod'] },
        { name: 'VERSION', type: 'string', default: 'latest' },
      ],
      build: { durationMs: 5000, consoleLines: 8 },
    },
    { name: 'flaky', build: { durationMs: 2000, result: 'FAILURE', consoleLines: ['step 1', 'ERROR: test failed'] } },
    { name: 'unstable', build: { durationMs: 2000, result: 'UNSTABLE', consoleLines: ['step 1', 'WARNING: 2 tests skipped'] } },
  ],
  scripts: {
    quick: { durationMs: 200, consoleLines: 2 },
    fail: { durationMs: 1000, result: 'FAILURE', consoleLines: ['ERROR: scripted failure'] },
    long: { durationMs: 60000, consoleLines: 30 },
  },
  security: {
    // Anonymous access stays open so the demo works without credentials; the user shows auth.
    anonymousRead: true,
    anonymousBuild: true,
    users: [{ name: 'demo', password: 'demo', apiTokens: ['11demoapitoken0000000000000000000'] }],
  },
};
