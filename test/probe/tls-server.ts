import { createServer, type SecureVersion, type TLSSocket, type TlsOptions } from "node:tls";

/** A TLS server on 127.0.0.1 (random port) for probe and helper tests; `close()` ends it and its sockets. */
export interface TestTlsServer {
  readonly port: number;
  /** What the server's secure-connection handler saw, in order. */
  readonly connections: TLSSocket[];
  close(): Promise<void>;
}

export async function startTlsServer(
  options: TlsOptions & { readonly maxVersion?: SecureVersion },
  onSecure: (socket: TLSSocket) => void = (socket) => socket.on("error", () => {}),
): Promise<TestTlsServer> {
  const server = createServer(options);
  const connections: TLSSocket[] = [];
  const open = new Set<TLSSocket>();
  server.on("secureConnection", (socket: TLSSocket) => {
    connections.push(socket);
    open.add(socket);
    socket.on("close", () => open.delete(socket));
    onSecure(socket);
  });
  server.on("tlsClientError", () => {}); // refused clients are the point of several tests
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
