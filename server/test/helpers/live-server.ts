// A Till server process with the test topic family registered: `node --import tsx live-server.ts`, configured
// by the environment like `till serve`. Prints `listening <port>` once it accepts connections.
import { buildApp } from "../../src/app/build-app.ts";
import { parseConfig } from "../../src/config/load-config.ts";
import { createLogger } from "../../src/kernel/logger.ts";
import { registerTestTopics } from "./live-topics.ts";

const till = await buildApp(parseConfig(process.env), createLogger("silent"));
registerTestTopics(till.http, till.events);
await till.http.listen({ host: "127.0.0.1", port: Number(process.env.TILL_PORT ?? 0) });
const address = till.http.server.address();
process.stdout.write(`listening ${typeof address === "object" && address ? address.port : ""}\n`);
process.once("SIGTERM", () => {
  void till.close().then(() => process.exit(0));
});
