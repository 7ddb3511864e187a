/**
 * The settings every AWS client of the handler is built with, as the SDK resolves them: the retry mode and
 * attempts that the call budget counts on, whatever the environment of the Lambda says.
 */
import { createCloudFormationClient } from '../../lambda/handler/stack-state';
import { PoliteRetryStrategy } from '../../lambda/polite/polite-retry';
import { createGitSyncClient } from '../../lambda/sources/git-sync';
import { createProtonClient } from '../../lambda/sources/proton';
import { CallBudget } from '../../lib/limits';

describe('the clients the handler builds', () => {
  const saved = process.env.AWS_RETRY_MODE;
  afterEach(() => {
    if (saved === undefined) delete process.env.AWS_RETRY_MODE;
    else process.env.AWS_RETRY_MODE = saved;
  });

  it.each([
    ['Proton', () => createProtonClient('eu-west-1')],
    ['Git sync', () => createGitSyncClient('eu-west-1')],
    ['CloudFormation', () => createCloudFormationClient('eu-west-1')],
  ])("use the polite strategy over the SDK's standard one with the budget's attempts, even when AWS_RETRY_MODE asks for adaptive (%s)", async (_name, create) => {
    // The environment would pick adaptive retries (client-side rate limiting) for a client that names no mode.
    process.env.AWS_RETRY_MODE = 'adaptive';
    const client = create();
    try {
      expect(await client.config.region()).toBe('eu-west-1');
      expect(await client.config.maxAttempts()).toBe(CallBudget.maxAttempts);
      const strategy = await client.config.retryStrategy();
      expect(strategy).toBeInstanceOf(PoliteRetryStrategy);
      expect('mode' in strategy && strategy.mode).toBe('standard');
    } finally {
      client.destroy();
    }
  });
});
