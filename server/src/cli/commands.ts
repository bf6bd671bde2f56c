import { buildApp, buildServices } from "../app/build-app.ts";
import type { TillConfig } from "../config/schema.ts";
import { openDatabase } from "../db/database.ts";
import { migrateToLatest } from "../db/migrator.ts";
import { emailField } from "../http/fields.ts";
import { leaseSecondsFromEnv } from "../jobs/leader-lease.ts";
import { AppError } from "../kernel/errors.ts";
import { newSecret } from "../kernel/ids.ts";
import { createLogger } from "../kernel/logger.ts";

/** Raised for an operator mistake: the CLI prints the message alone and exits 1. */
export class CliError extends Error {}

export async function serve(config: TillConfig): Promise<void> {
  const logger = createLogger(config.logLevel);
  const leaseSeconds = leaseSecondsFromEnv(process.env);
  const till = await buildApp(config, logger, { leaseSeconds });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    try {
      await till.close();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, "error during shutdown");
      process.exit(1);
    }
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
  try {
    await till.http.listen({ host: config.host, port: config.port });
    // Every process serves the API; the chain watchers run on the one holding the leader lease.
    await till.startBackground();
  } catch (error) {
    await till.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE")
      throw new CliError(`Port ${config.port} on ${config.host} is already in use (TILL_PORT)`);
    if (code === "EADDRNOTAVAIL") throw new CliError(`Cannot listen on ${config.host} (TILL_HOST)`);
    throw error;
  }
}

export async function migrate(config: TillConfig): Promise<string[]> {
  const db = openDatabase(config.databaseUrl);
  try {
    return (await migrateToLatest(db)).applied;
  } finally {
    await db.close();
  }
}

export async function createSuperuser(config: TillConfig, email: string, password: string | undefined) {
  const parsed = emailField().safeParse(email);
  if (!parsed.success) throw new CliError(`Invalid email: ${email}`);
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db);
    const services = buildServices(config, db);
    const chosen = password ?? newSecret(12);
    const user = await services.users.createSuperuser(parsed.data, chosen);
    await services.settings.claimFirstSuperuser(user.id);
    return { user, password: password ? null : chosen };
  } catch (error) {
    if (error instanceof AppError) {
      const detail = error.detail;
      const message = Array.isArray(detail) ? detail.map((d: { msg: string }) => d.msg).join("; ") : String(detail);
      throw new CliError(message);
    }
    throw error;
  } finally {
    await db.close();
  }
}
