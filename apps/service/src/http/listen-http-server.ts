import type { FastifyInstance } from 'fastify';

/** The address the service listens on unless told otherwise: this host only. */
export const DEFAULT_HTTP_HOST = '127.0.0.1';
/** The port the service listens on unless told otherwise. */
export const DEFAULT_HTTP_PORT = 9025;

/** Where to listen; both default to {@link DEFAULT_HTTP_HOST}:{@link DEFAULT_HTTP_PORT} (port 0: any free one). */
export interface HttpListen {
  host?: string | undefined;
  port?: number | undefined;
}

/** Starts listening and resolves with the address, e.g. `http://127.0.0.1:9025`. */
export async function listenHttpServer(server: FastifyInstance, listen: HttpListen = {}): Promise<string> {
  return server.listen({ host: listen.host ?? DEFAULT_HTTP_HOST, port: listen.port ?? DEFAULT_HTTP_PORT });
}
