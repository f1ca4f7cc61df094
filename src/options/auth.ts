import { z } from 'zod';

/**
 * Authentication as the step names it (docs/plugin-compat.md §6), but secrets are never values here:
 * workflow input is stored in Temporal history, so options carry only references that the
 * worker resolves (docs/design.md §7): an environment variable, a file, or a credentials id
 * from temporal.yaml.
 */
export const SecretRefSchema = z.union([
  z.strictObject({ env: z.string().min(1) }),
  z.strictObject({ file: z.string().min(1) }),
  z.strictObject({ credentials: z.string().min(1) }),
]);
export type SecretRef = z.infer<typeof SecretRefSchema>;

const NO_LITERAL_SECRETS =
  'secret values are not accepted in options, because options are stored in Temporal history; ' +
  'reference the secret instead';

const forbidden = (hint: string) =>
  z.unknown().refine((v) => v === undefined, { message: `${NO_LITERAL_SECRETS} (${hint})` }).optional();

const TokenAuth = z
  .strictObject({
    type: z.literal('TokenAuth'),
    userName: z.string().trim().min(1, 'TokenAuth needs a userName'),
    apiTokenEnv: z.string().min(1).optional(),
    apiTokenFile: z.string().min(1).optional(),
    credentials: z.string().min(1).optional(),
    apiToken: forbidden('use apiTokenEnv, apiTokenFile or credentials'),
  })
  .refine((a) => [a.apiTokenEnv, a.apiTokenFile, a.credentials].filter(Boolean).length === 1, {
    message: 'TokenAuth needs exactly one of apiTokenEnv, apiTokenFile or credentials',
  });

const CredentialsAuth = z.strictObject({
  type: z.literal('CredentialsAuth'),
  credentials: z.string().trim().min(1, 'CredentialsAuth needs a credentials id'),
});

const BearerTokenAuth = z
  .strictObject({
    type: z.literal('BearerTokenAuth'),
    tokenEnv: z.string().min(1).optional(),
    tokenFile: z.string().min(1).optional(),
    credentials: z.string().min(1).optional(),
    token: forbidden('use tokenEnv, tokenFile or credentials'),
  })
  .refine((a) => [a.tokenEnv, a.tokenFile, a.credentials].filter(Boolean).length === 1, {
    message: 'BearerTokenAuth needs exactly one of tokenEnv, tokenFile or credentials',
  });

export const AuthOptionSchema = z.preprocess(
  // The Jenkinsfile's `[$class: 'TokenAuth', ...]` map form is accepted as well as `type`.
  (v) => {
    if (v && typeof v === 'object' && '$class' in v && !('type' in v)) {
      const { $class, ...rest } = v as Record<string, unknown>;
      return { type: $class, ...rest };
    }
    return v;
  },
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('NullAuth') }),
    z.strictObject({ type: z.literal('NoneAuth') }),
    TokenAuth,
    CredentialsAuth,
    BearerTokenAuth,
  ]),
);
export type AuthOption = z.infer<typeof AuthOptionSchema>;

/** Normalised reference form, as stored in workflow input. */
export type AuthRef =
  | { kind: 'null' }
  | { kind: 'none' }
  | { kind: 'token'; userName: string; secret: SecretRef }
  | { kind: 'credentials'; credentials: string }
  | { kind: 'bearer'; secret: SecretRef };

export function toAuthRef(a: AuthOption | undefined): AuthRef {
  if (!a) return { kind: 'null' };
  switch (a.type) {
    case 'NullAuth':
      return { kind: 'null' };
    case 'NoneAuth':
      return { kind: 'none' };
    case 'CredentialsAuth':
      return { kind: 'credentials', credentials: a.credentials };
    case 'TokenAuth':
      return { kind: 'token', userName: a.userName, secret: secretRefOf(a.apiTokenEnv, a.apiTokenFile, a.credentials) };
    case 'BearerTokenAuth':
      return { kind: 'bearer', secret: secretRefOf(a.tokenEnv, a.tokenFile, a.credentials) };
  }
}

function secretRefOf(env?: string, file?: string, credentials?: string): SecretRef {
  if (env) return { env };
  if (file) return { file };
  return { credentials: credentials! };
}

/** How the auth is named in logs (docs/plugin-compat.md §6.2), never with the secret. */
export function describeAuth(a: AuthRef): string {
  switch (a.kind) {
    case 'null':
      return "Don't Set/Override";
    case 'none':
      return 'No Authentication';
    case 'token':
      return `Token Authentication as user '${a.userName}'`;
    case 'credentials':
      return `Credentials Authentication (Credentials ID '${a.credentials}')`;
    case 'bearer':
      return 'Bearer Token Authentication';
  }
}
