/**
 * A job worker in its own process, for the crash test: it claims jobs of one kind with a short lease and
 * never finishes them, printing `started <id>` for each, until it is killed.
 * Usage: node --import tsx job-worker.ts <database url> <kind> <worker id>
 */
import { openDatabase } from "../../src/db/database.ts";
import { JobQueue } from "../../src/jobs/queue.ts";

const [url, kind, workerId] = process.argv.slice(2);
if (!url || !kind || !workerId) throw new Error("usage: job-worker.ts <database url> <kind> <worker id>");
const db = openDatabase(url);
const queue = new JobQueue(db, { workerId, leaseMs: 600, pollIntervalMs: 20 });
queue.handle(kind, async (_payload, job) => {
  process.stdout.write(`started ${job.id}\n`);
  await new Promise(() => {});
});
queue.start();
process.stdout.write("ready\n");
setInterval(() => {}, 1000);
