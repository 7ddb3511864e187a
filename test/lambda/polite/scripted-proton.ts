/**
 * A real Proton client against a loopback server that answers the HTTP statuses a test scripts (429 as
 * ThrottlingException, any other error as InternalServerException, 200 with `{}` once the script runs out), so that
 * a retry strategy runs inside the SDK's own retry middleware.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { GetServiceInstanceSyncStatusCommand, ProtonClient } from '@aws-sdk/client-proton';
import type { RetryStrategyV2 } from '@smithy/types';
import { listenOnLoopback } from '../../../offline/loopback';

export interface ScriptedProton {
  /** The statuses the next requests get, in order. */
  answers: number[];
  /** How many requests the server received. */
  readonly requests: number;
  /** One GetServiceInstanceSyncStatus through the client: its output, or the error it ended with. */
  read(): Promise<unknown>;
  close(): void;
}

export async function scriptedProton(retryStrategy: RetryStrategyV2): Promise<ScriptedProton> {
  let requests = 0;
  const scripted = {
    answers: [] as number[],
    get requests(): number {
      return requests;
    },
  };
  const server = http.createServer((req, res) => {
    req.resume();
    requests++;
    const status = scripted.answers.shift() ?? 200;
    const type = status === 429 ? 'ThrottlingException' : 'InternalServerException';
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(status === 200 ? '{}' : JSON.stringify({ __type: type, message: type }));
  });
  await listenOnLoopback(server);
  const client = new ProtonClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    retryStrategy,
  });
  return Object.assign(scripted, {
    read: (): Promise<unknown> => client.send(new GetServiceInstanceSyncStatusCommand({ serviceName: 'api', serviceInstanceName: 'prod' })).catch((e: unknown) => e),
    close: (): void => {
      client.destroy();
      server.closeAllConnections();
      server.close();
    },
  });
}
