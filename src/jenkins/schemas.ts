// Shapes of the Jenkins JSON we depend on. Loose objects: Jenkins adds fields between versions
// and plugins add their own, and we only check what we read. `_class` is optional because
// Jenkins before Stapler 2016 did not write it.
import { z } from 'zod';

export const crumbSchema = z.looseObject({
  crumb: z.string().min(1),
  crumbRequestField: z.string().min(1),
});

const parameterValue = z.union([z.string(), z.boolean(), z.number(), z.null()]);

const parameterDefinition = z.looseObject({
  name: z.string(),
  type: z.string().optional(),
  defaultParameterValue: z.looseObject({ value: parameterValue.optional() }).nullable().optional(),
  choices: z.array(z.string()).optional(),
});

/** Entries of actions[] / property[]; unexportable actions come as {} (docs/jenkins.md §2.1). */
const withParameterDefinitions = z.looseObject({
  parameterDefinitions: z.array(parameterDefinition).nullable().optional(),
});

export const jobSchema = z.looseObject({
  name: z.string(),
  fullName: z.string().optional(),
  displayName: z.string().optional(),
  fullDisplayName: z.string().optional(),
  url: z.string(),
  buildable: z.boolean().optional(),
  actions: z.array(withParameterDefinitions.nullable()).nullable().optional(),
  property: z.array(withParameterDefinitions.nullable()).nullable().optional(),
});

const executable = z.looseObject({ number: z.number().int().optional(), url: z.string().optional() });

export const queueItemSchema = z.looseObject({
  _class: z.string().optional(),
  id: z.number().int(),
  why: z.string().nullable().optional(),
  stuck: z.boolean().optional(),
  blocked: z.boolean().optional(),
  buildable: z.boolean().optional(),
  pending: z.boolean().optional(),
  cancelled: z.boolean().nullable().optional(),
  executable: executable.nullable().optional(),
  // A WaitingItem's (quiet period) end.
  timestamp: z.number().optional(),
});

/** actions[parameters[name,value]]: password and file values export only their name. */
const parametersAction = z.looseObject({
  parameters: z.array(z.looseObject({ name: z.string(), value: z.unknown().optional() })).nullable().optional(),
});
const actions = z.array(parametersAction.nullable()).nullable().optional();

export const queueListSchema = z.looseObject({
  items: z.array(
    z.looseObject({
      id: z.number().int(),
      inQueueSince: z.number().optional(),
      why: z.string().nullable().optional(),
      params: z.string().nullable().optional(),
      // Pipeline node{} placeholder tasks have neither name nor url.
      task: z.looseObject({ url: z.string().optional() }).nullable().optional(),
      actions,
    }),
  ),
});

export const buildListSchema = z.looseObject({
  builds: z
    .array(
      z.looseObject({
        number: z.number().int(),
        url: z.string(),
        queueId: z.number().int().nullable().optional(),
        timestamp: z.number().optional(),
        building: z.boolean().optional(),
        result: z.string().nullable().optional(),
        actions,
      }),
    )
    .nullable()
    .optional(),
});

export const buildSchema = z.looseObject({
  number: z.number().int(),
  url: z.string(),
  building: z.boolean(),
  // Exported since Jenkins 2.369 only.
  inProgress: z.boolean().nullable().optional(),
  result: z.string().nullable().optional(),
  duration: z.number().optional(),
  queueId: z.number().int().nullable().optional(),
  timestamp: z.number().optional(),
  // Jenkins' estimate from earlier builds; -1 when it has none.
  estimatedDuration: z.number().optional(),
});

export type ParametersActionList = z.infer<typeof actions>;
