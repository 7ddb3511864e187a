/**
 * The settings every AWS client of the handler and the check is built with, as the SDK resolves them: the retry
 * strategy each caller gets (polite for the gate's source reads, the SDK's standard mode for DescribeStacks and the
 * check) and the attempts that the call budget counts on, whatever the environment of the Lambda says.
 */
import { standardRetry } from '../../lambda/client-config';
import { createCloudFormationClient } from '../../lambda/handler/stack-state';
import { PoliteRetryStrategy } from '../../lambda/polite/polite-retry';
import { SleepingStandardRetryStrategy } from '../../lambda/polite/standard-retry';
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
    ["the gate's Proton reads: polite", () => createProtonClient('eu-west-1'), PoliteRetryStrategy, CallBudget.maxAttempts],
    ["the gate's Git sync reads: polite", () => createGitSyncClient('eu-west-1'), PoliteRetryStrategy, CallBudget.maxAttempts],
    ["the check's reads: standard", () => createGitSyncClient('eu-west-1', CallBudget, standardRetry()), SleepingStandardRetryStrategy, CallBudget.maxAttempts],
    ['DescribeStacks: standard', () => createCloudFormationClient('eu-west-1'), SleepingStandardRetryStrategy, CallBudget.stackCallMaxAttempts],
  ])("%s, the SDK's standard strategy underneath with the budget's attempts, even when AWS_RETRY_MODE asks for adaptive", async (_name, create, kind, attempts) => {
    // The environment would pick adaptive retries (client-side rate limiting) for a client that names no mode.
    process.env.AWS_RETRY_MODE = 'adaptive';
    const client = create();
    try {
      expect(await client.config.region()).toBe('eu-west-1');
      expect(await client.config.maxAttempts()).toBe(attempts);
      const strategy = await client.config.retryStrategy();
      expect(strategy.constructor).toBe(kind);
      expect('mode' in strategy && strategy.mode).toBe('standard');
    } finally {
      client.destroy();
    }
  });
});
