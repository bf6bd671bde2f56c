import type { AddressInfo } from "node:net";
import { createTestApp, type TestApp } from "./test-app.ts";

export interface ListeningApp extends TestApp {
  /** http://127.0.0.1:<port> of this Till, for a browser. */
  baseUrl: string;
}

/** A test Till listening on a free local port (browsers need a real socket, not Fastify's injector). */
export async function createListeningApp(env: Record<string, string> = {}): Promise<ListeningApp> {
  const app = await createTestApp({ TILL_ALLOW_PRIVATE_WEBHOOKS: "true", ...env });
  await app.till.http.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.till.http.server.address() as AddressInfo;
  return { ...app, baseUrl: `http://127.0.0.1:${port}` };
}
