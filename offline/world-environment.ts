/**
 * The process environment of the offline world: fake credentials and loopback endpoints only, so that nothing
 * can reach AWS. Natively loaded SDK clients (the framework's Lambda and Step Functions clients) read the real
 * process environment; the handler's SDK sees the same through its function environment.
 */
import { realProcess } from './lambda-emulator';

export const ENV_KEYS = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_PROTON',
  'AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS',
  'AWS_ENDPOINT_URL_LAMBDA',
  'AWS_ENDPOINT_URL_SFN',
  'AWS_ENDPOINT_URL_CLOUDFORMATION',
  'AWS_ENDPOINT_URL_STS',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  'AWS_MAX_ATTEMPTS',
  'AWS_RETRY_MODE',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
] as const;

/** The service part of `AWS_ENDPOINT_URL_<SERVICE>`, as the SDK derives it: `codestar-connections` -> `CODESTAR_CONNECTIONS`. */
export function endpointVariable(service: string): string {
  return `AWS_ENDPOINT_URL_${service.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

/** The world's environment for `region` and the loopback endpoints by service (e.g. `proton`). */
export function worldEnvironment(region: string, endpoints: Readonly<Record<string, string>>): Record<(typeof ENV_KEYS)[number], string | undefined> {
  const env: Record<string, string | undefined> = {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'AKIAOFFLINEWORLD0000',
    AWS_SECRET_ACCESS_KEY: 'offline-world-fake-secret-key',
    AWS_SESSION_TOKEN: 'offline-world-fake-session-token',
    AWS_PROFILE: undefined,
    AWS_CONFIG_FILE: '/nonexistent/offline-world/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/offline-world/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    // Any other service goes to a dead loopback port.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: undefined,
    AWS_MAX_ATTEMPTS: undefined,
    AWS_RETRY_MODE: undefined,
    // The functions' runtime is Node.js 24, where the SDK has nothing to warn about; the tests may run on 20.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const [service, url] of Object.entries(endpoints)) env[endpointVariable(service)] = url;
  for (const key of Object.keys(env)) {
    if (!(ENV_KEYS as readonly string[]).includes(key)) throw new Error(`${key} is not one of the world's ENV_KEYS (it would not be restored on close)`);
  }
  return env as Record<(typeof ENV_KEYS)[number], string | undefined>;
}

/** Sets `env` on the real process and returns a function that puts the previous values back. */
export function applyEnvironment(env: Readonly<Record<string, string | undefined>>): () => void {
  const saved = new Map<string, string | undefined>();
  for (const key of ENV_KEYS) {
    saved.set(key, realProcess.env[key]);
    setVariable(key, env[key]);
  }
  return () => {
    for (const [key, value] of saved) setVariable(key, value);
  };
}

export function setVariable(key: string, value: string | undefined): void {
  if (value === undefined) delete realProcess.env[key];
  else realProcess.env[key] = value;
}
