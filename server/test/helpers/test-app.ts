import type { LightMyRequestResponse } from "fastify";
import { buildApp, type Till } from "../../src/app/build-app.ts";
import { parseConfig } from "../../src/config/load-config.ts";
import { createLogger } from "../../src/kernel/logger.ts";
import { createTestDatabase, type TestDatabase } from "./test-db.ts";

export interface TestApp {
  till: Till;
  database: TestDatabase;
  /** Sends a request through Fastify's injector. `token` becomes a Bearer header; objects are sent as JSON. */
  call(
    method: string,
    url: string,
    options?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  /** Stops the app and drops its database (unless the database was lent with `reuse`). */
  close(): Promise<void>;
  /** Stops the app and keeps its database, to start another app on it (a restart). */
  stop(): Promise<void>;
}

/**
 * A full Till (all routes, migrations applied) on a throwaway database of the dialect under test, or on
 * `reuse` — another app's database, to test what survives a restart.
 */
export async function createTestApp(env: Record<string, string> = {}, reuse?: TestDatabase): Promise<TestApp> {
  const database = reuse ?? (await createTestDatabase());
  const config = parseConfig({
    TILL_DATABASE_URL: database.url,
    TILL_DATA_DIR: database.dataDir,
    TILL_LOG_LEVEL: "silent",
    TILL_LOGIN_RATE_LIMIT_PER_IP: "1000",
    TILL_LOGIN_RATE_LIMIT_PER_ACCOUNT: "1000",
    ...env,
  });
  const till = await buildApp(config, createLogger("silent"));
  return {
    till,
    database,
    call: (method, url, options = {}) => {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      return till.http.inject({
        method: method as "GET",
        url,
        headers,
        ...(options.body === undefined
          ? {}
          : typeof options.body === "string" || Buffer.isBuffer(options.body)
            ? { payload: options.body }
            : { payload: options.body as object }),
      });
    },
    close: async () => {
      await till.close();
      if (!reuse) await database.drop();
    },
    stop: () => till.close(),
  };
}

let counter = 0;

/** Registers a user (the first one becomes superuser) and returns its id, email, password and full_control token. */
export async function registerUser(
  app: TestApp,
  email = `user${++counter}-${Date.now()}@example.com`,
  password = "correct horse battery",
) {
  const response = await app.call("POST", "/users", { body: { email, password } });
  if (response.statusCode !== 200) throw new Error(`register failed: ${response.statusCode} ${response.body}`);
  const body = response.json();
  return {
    id: body.id as string,
    email,
    password,
    token: body.token as string,
    isSuperuser: body.is_superuser as boolean,
  };
}

/** Mints a token with the given permissions from an existing full_control token. */
export async function tokenWith(app: TestApp, token: string, permissions: string[]): Promise<string> {
  const response = await app.call("POST", "/token", { token, body: { permissions } });
  if (response.statusCode !== 200) throw new Error(`token failed: ${response.statusCode} ${response.body}`);
  return response.json().access_token;
}
