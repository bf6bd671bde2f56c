#!/usr/bin/env node
import { Command } from "commander";
import { VERSION } from "./app/version.ts";
import { CliError, createSuperuser, migrate, serve } from "./cli/commands.ts";
import { ConfigError, loadDotEnv, parseConfig } from "./config/load-config.ts";

function config() {
  loadDotEnv();
  return parseConfig(process.env);
}

function fail(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof CliError) {
    process.stderr.write(`Error: ${error.message}\n`);
    process.exit(1);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Error: ${message}\n`);
  process.exit(1);
}

const program = new Command()
  .name("till")
  .description("Till: self-hosted, non-custodial crypto payment processor")
  .version(VERSION)
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

program
  .command("serve", { isDefault: true })
  .description("run the API server (and, later, the chain watchers and scheduler)")
  .action(async () => {
    try {
      await serve(config());
    } catch (error) {
      fail(error);
    }
  });

program
  .command("migrate")
  .description("apply pending database migrations and exit")
  .action(async () => {
    try {
      const applied = await migrate(config());
      process.stdout.write(applied.length ? `Applied: ${applied.join(", ")}\n` : "Database is up to date\n");
    } catch (error) {
      fail(error);
    }
  });

program
  .command("create-superuser")
  .description("create a superuser account (prints a generated password when none is given)")
  .requiredOption("--email <email>", "the account's email")
  .option("--password <password>", "the password (default: TILL_ADMIN_PASSWORD, else generated)")
  .action(async (options: { email: string; password?: string }) => {
    try {
      const { user, password } = await createSuperuser(
        config(),
        options.email,
        options.password ?? process.env.TILL_ADMIN_PASSWORD,
      );
      process.stdout.write(`Created superuser ${user.email} (${user.id})\n`);
      if (password) process.stdout.write(`Generated password: ${password}\n`);
    } catch (error) {
      fail(error);
    }
  });

await program.parseAsync(process.argv);
