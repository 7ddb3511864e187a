/**
 * Tells which lifecycle request of the offline world a piece of work belongs to, so that concurrent requests
 * each get their own calls, polls and log lines. A Lambda invocation runs inside an async context carrying its
 * request's tag (the CloudFormation RequestId); HTTP requests that code makes from inside that context are
 * noted by their client socket, which the fake services look up from the server side (the socket's remote
 * port) when a request arrives. Nothing is added to the requests themselves.
 *
 * It listens on Node's `http.client.request.start` diagnostics channel while started.
 */
import { AsyncLocalStorage } from 'async_hooks';
import * as diagnostics from 'diagnostics_channel';
import type * as http from 'http';
import type { Socket } from 'net';

/** What runs inside an invocation's async context. */
export interface InvocationContext {
  /** The lifecycle request (CloudFormation RequestId) the invocation serves, when known. */
  readonly requestTag?: string;
  /** The invocation's own request id. */
  readonly invocationId: string;
}

const CHANNEL = 'http.client.request.start';

export class RequestAttribution {
  private readonly storage = new AsyncLocalStorage<InvocationContext>();
  /** Client socket local port -> tag of the request that last used it. */
  private readonly byPort = new Map<number, string>();
  /** Client socket local port -> the invocation that last used it. */
  private readonly invocationByPort = new Map<number, string>();
  private started = false;

  private readonly onRequest = (message: unknown): void => {
    const tag = this.storage.getStore()?.requestTag;
    const invocationId = this.storage.getStore()?.invocationId;
    const request = (message as { request: http.ClientRequest }).request;
    const note = (socket: Socket): void => {
      const record = (): void => {
        if (socket.localPort === undefined) return;
        if (tag) this.byPort.set(socket.localPort, tag);
        else this.byPort.delete(socket.localPort);
        if (invocationId) this.invocationByPort.set(socket.localPort, invocationId);
        else this.invocationByPort.delete(socket.localPort);
      };
      // A new socket learns its port on connect, before the request is written; a reused one has it already.
      if (socket.localPort === undefined) socket.once('connect', record);
      else record();
    };
    if (request.socket) note(request.socket);
    else request.once('socket', note);
  };

  public start(): void {
    if (this.started) return;
    this.started = true;
    diagnostics.subscribe(CHANNEL, this.onRequest);
  }

  public stop(): void {
    if (!this.started) return;
    this.started = false;
    diagnostics.unsubscribe(CHANNEL, this.onRequest);
    this.byPort.clear();
    this.invocationByPort.clear();
  }

  /** Runs `fn` in `context`: HTTP requests and log lines from it are attributed to `context.requestTag`. */
  public run<T>(context: InvocationContext, fn: () => T): T {
    return this.storage.run(context, fn);
  }

  /** The context of the code running now, if it runs inside an invocation. */
  public current(): InvocationContext | undefined {
    return this.storage.getStore();
  }

  /** The invocation that made this (server-side) request, if an invocation made it. */
  public invocationOf(req: http.IncomingMessage): string | undefined {
    const port = req.socket.remotePort;
    return port === undefined ? undefined : this.invocationByPort.get(port);
  }

  /** The tag of the lifecycle request that made this (server-side) request, if any. */
  public tagOf(req: http.IncomingMessage): string | undefined {
    const port = req.socket.remotePort;
    return port === undefined ? undefined : this.byPort.get(port);
  }
}
