import type { Server } from 'net';

/** Starts `server` on a random port of 127.0.0.1 (never another address) and resolves once it listens. */
export function listenOnLoopback(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
}
