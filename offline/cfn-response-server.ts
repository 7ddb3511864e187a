/**
 * The receiving end of custom-resource ResponseURLs: an HTTPS server on 127.0.0.1 with a throw-away self-signed
 * certificate (made with `openssl` on first use), standing in for the S3 pre-signed URL that CloudFormation
 * hands to a custom resource. It takes the PUT of the answer and checks what CloudFormation checks.
 */
import { execFileSync } from 'child_process';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { listenOnLoopback } from './loopback';

/** CloudFormation rejects custom-resource responses larger than this. */
export const MAX_RESPONSE_BYTES = 4096;

/** The PUT a custom resource sent to its ResponseURL. */
export interface ReceivedResponse {
  /** Real wall-clock time (ms) at which the PUT arrived. */
  readonly receivedAt: number;
  readonly bytes: number;
  readonly body: Record<string, unknown>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

interface Pending {
  readonly resolve: (r: ReceivedResponse) => void;
  readonly reject: (e: Error) => void;
}

let certificate: { key: string; cert: string } | undefined;

/** A key and self-signed certificate for 127.0.0.1, made once per process with openssl. */
export function loopbackCertificate(): { key: string; cert: string } {
  if (certificate) return certificate;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offline-world-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '2',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'pipe' },
    );
    certificate = { key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
    return certificate;
  } catch (e) {
    throw new Error(`The offline world needs openssl to make a loopback TLS certificate for ResponseURLs: ${(e as Error).message}`, { cause: e });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Serves ResponseURLs. Start with {@link CfnResponseServer.start}; always close it. */
export class CfnResponseServer {
  public static async start(): Promise<CfnResponseServer> {
    const server = new CfnResponseServer(loopbackCertificate());
    await listenOnLoopback(server.server);
    return server;
  }

  /** Problems with PUTs received (wrong method, unknown URL, malformed body). */
  public readonly problems: string[] = [];

  private readonly pending = new Map<string, Pending>();
  private readonly server: https.Server;

  private constructor(public readonly tls: { key: string; cert: string }) {
    this.server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.receive(req, res, Buffer.concat(chunks)));
    });
  }

  public get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The CA certificate that clients must trust to reach this server. */
  public get ca(): string {
    return this.tls.cert;
  }

  /**
   * A fresh pre-signed-looking ResponseURL and a promise of the PUT it will receive. The URL carries no port
   * (like S3's on 443); clients reach {@link port} through the world's routing of the framework's request.
   */
  public expectResponse(stackId: string, logicalResourceId: string, requestId: string): { url: string; response: Promise<ReceivedResponse> } {
    const token = randomUUID();
    const key = encodeURIComponent(`${stackId}|${logicalResourceId}|${requestId}`);
    const url = `https://127.0.0.1/cloudformation-custom-resource-response-offline/${key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=7200&X-Amz-Signature=${token}`;
    const response = new Promise<ReceivedResponse>((resolve, reject) => this.pending.set(token, { resolve, reject }));
    return { url, response };
  }

  /** Rejects a pending response (e.g. CloudFormation's own timeout). */
  public abandon(url: string, reason: Error): void {
    const token = new URL(url).searchParams.get('X-Amz-Signature') ?? '';
    this.pending.get(token)?.reject(reason);
    this.pending.delete(token);
  }

  public async close(): Promise<void> {
    for (const p of this.pending.values()) p.reject(new Error('CfnResponseServer closed'));
    this.pending.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private receive(req: import('http').IncomingMessage, res: import('http').ServerResponse, raw: Buffer): void {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const token = url.searchParams.get('X-Amz-Signature') ?? '';
    const pending = this.pending.get(token);
    if (req.method !== 'PUT' || !pending) {
      this.problems.push(`${req.method} ${req.url}: ${pending ? 'expected PUT' : 'no pending response for this URL'}`);
      res.writeHead(403).end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      this.problems.push(`PUT body is not JSON: ${raw.toString('utf8').slice(0, 200)}`);
      res.writeHead(200).end();
      pending.reject(new Error('the custom resource answered a body that is not JSON'));
      this.pending.delete(token);
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (declared !== raw.length) this.problems.push(`content-length ${declared} but ${raw.length} bytes received`);
    this.pending.delete(token);
    res.writeHead(200).end();
    pending.resolve({ receivedAt: Date.now(), bytes: raw.length, body, headers: req.headers });
  }
}
