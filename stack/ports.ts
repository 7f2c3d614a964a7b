import { createServer } from 'node:net';

/** Resolves when nothing listens on the port; rejects with a readable message otherwise. */
export function assertPortFree(port: number, owner: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `Port ${port} (${owner}) is already in use by another process. Stop it, or point the stack at that server through the environment (see docs/local-stack.md).`
            : `Cannot listen on port ${port} (${owner}): ${err.message}`,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/** A port that was free a moment ago, for tests that must not collide with a running `npm start`. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
