/**
 * A minimal Proton endpoint on 127.0.0.1 for the benchmark: answers awsJson1_0 `POST /` with target
 * AwsProton20200720.GetServiceInstanceSyncStatus with a valid body in which every instance is in sync (latest sync
 * SUCCEEDED at the desired sha), and counts the calls per instance. Anything else gets a 400 with an error body.
 * Used only when test/support/fake-proton.ts is not available.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

const TARGET = 'AwsProton20200720.GetServiceInstanceSyncStatus';
export const IN_SYNC_SHA = '0123456789abcdef0123456789abcdef01234567';

export interface LoopbackProton {
  readonly endpoint: string;
  /** Calls answered so far, per "service/instance". */
  readonly calls: Map<string, number>;
  totalCalls(): number;
  close(): Promise<void>;
}

function revision(sha: string): Record<string, string> {
  return { repositoryName: 'owner/repo', repositoryProvider: 'GITHUB', sha, directory: 'instances/bench', branch: 'main' };
}

function inSyncBody(): string {
  const startedAt = Date.now() / 1000 - 60;
  const attempt = {
    initialRevision: revision(IN_SYNC_SHA),
    targetRevision: revision(IN_SYNC_SHA),
    target: 'instance',
    startedAt,
    status: 'SUCCEEDED',
    events: [{ type: 'SUCCESS', time: startedAt + 30, event: 'Sync succeeded' }],
  };
  return JSON.stringify({ desiredState: revision(IN_SYNC_SHA), latestSync: attempt, latestSuccessfulSync: attempt });
}

function fail(res: http.ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ __type: `com.amazonaws.proton#${type}`, message }));
}

export async function startLoopbackProton(): Promise<LoopbackProton> {
  const calls = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/' || req.headers['x-amz-target'] !== TARGET) {
        fail(res, 400, 'UnknownOperationException', `unsupported ${req.method} ${req.url} ${String(req.headers['x-amz-target'])}`);
        return;
      }
      let input: { serviceName?: unknown; serviceInstanceName?: unknown };
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof input;
      } catch {
        fail(res, 400, 'SerializationException', 'body is not JSON');
        return;
      }
      if (typeof input.serviceName !== 'string' || typeof input.serviceInstanceName !== 'string') {
        fail(res, 400, 'ValidationException', 'serviceName and serviceInstanceName are required');
        return;
      }
      const key = `${input.serviceName}/${input.serviceInstanceName}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(inSyncBody());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    totalCalls: () => [...calls.values()].reduce((a, b) => a + b, 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
