/**
 * The credential chain of every AWS client in the handler bundle: the execution role's credentials, which Lambda
 * puts in the function's environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; Lambda's
 * "Defined runtime environment variables"). The SDK's default chain finds them there first too; the rest of it
 * (profiles, SSO, web identity, container and instance metadata) can never answer in Lambda.
 *
 * scripts/build-handler.js puts this module in place of the SDK's `@aws-sdk/credential-provider-node` in the handler
 * bundle only (the check command keeps the default chain: it runs with a user's profile). Why: the default chain
 * `import()`s each of its providers, and esbuild turns every module such an `import()` reaches, the SDK's core
 * included, into a lazily evaluated wrapper whose code V8 parses twice; without it the bundle is a third smaller and
 * its cold start about 20 ms shorter (docs/design.md, "The handler is prebuilt").
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** What the clients' runtime config calls for their default credentials (the SDK's `defaultProvider` shape). */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]): ReturnType<typeof fromEnv> => fromEnv(init);
