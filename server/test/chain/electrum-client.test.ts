/** The Electrum client against the test Electrum server (backed by a real litecoind regtest node) and raw sockets. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ElectrumClient,
  ElectrumConnectionError,
  ElectrumProtocolError,
  ElectrumRpcError,
  ElectrumTimeoutError,
  parseServerAddress,
} from "../../src/chains/bitcoin/electrum/electrum-client.ts";
import { ElectrumTestServer, NodeIndex } from "./electrum-test-server.ts";
import { freePort, type LitecoindNode, startLitecoind, waitFor } from "./litecoind.ts";

let node: LitecoindNode;
let index: NodeIndex;
let server: ElectrumTestServer;
const rawServers: Server[] = [];

beforeAll(async () => {
  node = await startLitecoind();
  index = new NodeIndex(node);
  await index.start();
  server = await ElectrumTestServer.start(index);
});

afterAll(async () => {
  for (const s of rawServers) s.close();
  await server?.stop();
  await index?.stop();
  await node?.stop();
});

/** A TCP server that runs `onLine` for each line a client sends. */
async function rawServer(onLine: (line: string, write: (text: string) => void) => void): Promise<string> {
  const s = createServer((socket) => {
    socket.setEncoding("utf8");
    let buffer = "";
    socket.on("error", () => undefined);
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      let nl = buffer.indexOf("\n");
      while (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        onLine(line, (text) => socket.write(text));
        nl = buffer.indexOf("\n");
      }
    });
  });
  rawServers.push(s);
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", () => resolve()));
  const address = s.address();
  return `tcp://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
}

describe("electrum client", () => {
  it("parses server addresses", () => {
    expect(parseServerAddress("ssl://electrum.example.org:50002")).toMatchObject({
      protocol: "ssl",
      host: "electrum.example.org",
      port: 50002,
    });
    expect(parseServerAddress("tcp://127.0.0.1:50001").url).toBe("tcp://127.0.0.1:50001");
    expect(parseServerAddress("electrum.example.org:50002:s").url).toBe("ssl://electrum.example.org:50002");
    expect(parseServerAddress("tls://[::1]:50002")).toMatchObject({
      protocol: "ssl",
      host: "::1",
      url: "ssl://[::1]:50002",
    });
    expect(() => parseServerAddress("http://example.org:80")).toThrow(TypeError);
    expect(() => parseServerAddress("tcp://example.org:0")).toThrow(TypeError);
  });

  it("negotiates the version, answers requests, dispatches notifications and closes cleanly", async () => {
    const client = new ElectrumClient(server.url);
    await client.connect();
    expect(client.protocol).toBe("1.4");
    expect(client.serverSoftware).toBe("ElectrumTestServer 1.0");
    expect(await client.request("server.ping")).toBeNull();
    const tip = await client.request<{ hex: string; height: number }>("blockchain.headers.subscribe");
    expect(tip.height).toBe(await node.height());
    expect(tip.hex).toBe(await node.call("getblockheader", await node.call("getbestblockhash"), false));

    const notified: unknown[][] = [];
    client.onNotification((method, params) => {
      if (method === "blockchain.headers.subscribe") notified.push(params);
    });
    const [hash] = await node.mine(1);
    await waitFor(() => notified.length > 0, "header notification");
    expect((notified[0]![0] as { height: number }).height).toBe(tip.height + 1);
    expect(await node.call("getblockheader", hash, false)).toBe((notified[0]![0] as { hex: string }).hex);

    const unknown = (await rejection(client.request("no.such.method"))) as ElectrumRpcError;
    expect(unknown).toBeInstanceOf(ElectrumRpcError);
    expect(unknown.code).toBe(-32601);
    expect(unknown.method).toBe("no.such.method");

    let closedWith: unknown = "not called";
    client.onClose((error) => {
      closedWith = error;
    });
    await client.close();
    expect(closedWith).toBeNull();
    expect(client.isOpen).toBe(false);
    expect(await rejection(client.request("server.ping"))).toBeInstanceOf(ElectrumConnectionError);
  });

  it("reports connection failures, timeouts, protocol violations and lost connections as typed errors", async () => {
    const refused = (await rejection(
      new ElectrumClient(`tcp://127.0.0.1:${await freePort()}`).connect(),
    )) as ElectrumConnectionError;
    expect(refused).toBeInstanceOf(ElectrumConnectionError);
    expect(refused.kind).toBe("connection");

    const silent = await rawServer(() => undefined);
    const timedOut = await rejection(new ElectrumClient(silent, { connectTimeoutMs: 300 }).connect());
    expect(timedOut).toBeInstanceOf(ElectrumTimeoutError);

    const garbage = await rawServer((_line, write) => write("this is not json\n"));
    expect(await rejection(new ElectrumClient(garbage).connect())).toBeInstanceOf(ElectrumProtocolError);

    const oldVersion = await rawServer((line, write) => {
      const { id } = JSON.parse(line);
      write(`${JSON.stringify({ jsonrpc: "2.0", id, result: ["OldServer", "1.2"] })}\n`);
    });
    const versionError = await rejection(new ElectrumClient(oldVersion).connect());
    expect(versionError).toBeInstanceOf(ElectrumProtocolError);
    expect((versionError as Error).message).toContain("1.2");

    // A request that gets no answer times out; the connection stays usable.
    const slow = await rawServer((line, write) => {
      const { id, method } = JSON.parse(line);
      if (method === "server.version") write(`${JSON.stringify({ jsonrpc: "2.0", id, result: ["Slow", "1.4"] })}\n`);
      if (method === "server.ping") write(`${JSON.stringify({ jsonrpc: "2.0", id, result: null })}\n`);
    });
    const client = new ElectrumClient(slow, { timeoutMs: 200 });
    await client.connect();
    const timeout = (await rejection(client.request("blockchain.headers.subscribe"))) as ElectrumTimeoutError;
    expect(timeout).toBeInstanceOf(ElectrumTimeoutError);
    expect(timeout.method).toBe("blockchain.headers.subscribe");
    expect(await client.request("server.ping")).toBeNull();
    await client.close();

    // Keepalive: a server that stops answering pings is dropped.
    let answerPings = true;
    const mute = await rawServer((line, write) => {
      const { id, method } = JSON.parse(line);
      if (method === "server.version") write(`${JSON.stringify({ jsonrpc: "2.0", id, result: ["Mute", "1.4"] })}\n`);
      if (method === "server.ping" && answerPings) write(`${JSON.stringify({ jsonrpc: "2.0", id, result: null })}\n`);
    });
    const pinging = new ElectrumClient(mute, { pingIntervalMs: 50, timeoutMs: 200 });
    let pingClose: unknown = null;
    pinging.onClose((error) => {
      pingClose = error;
    });
    await pinging.connect();
    await new Promise((r) => setTimeout(r, 150));
    expect(pinging.isOpen).toBe(true);
    answerPings = false;
    await waitFor(() => pingClose !== null, "keepalive failure");
    expect(pingClose).toBeInstanceOf(ElectrumTimeoutError);
    expect((pingClose as ElectrumTimeoutError).method).toBe("server.ping");
    expect(pinging.isOpen).toBe(false);

    // The server goes away: pending requests fail, the close listener gets the error.
    const dropping = await ElectrumTestServer.start(index, { misbehave: { dropAfterMessages: 2 } });
    const dropped = new ElectrumClient(dropping.url);
    await dropped.connect();
    let closeError: unknown = null;
    dropped.onClose((error) => {
      closeError = error;
    });
    expect(await rejection(dropped.request("blockchain.headers.subscribe"))).toBeInstanceOf(ElectrumConnectionError);
    await waitFor(() => closeError !== null, "close listener");
    expect(closeError).toBeInstanceOf(ElectrumConnectionError);
    await dropping.stop();
  });

  it("speaks TLS and accepts a self-signed certificate only when allowed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "till-electrum-tls-"));
    try {
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-days",
          "2",
          "-subj",
          "/CN=electrum.test",
          "-keyout",
          join(dir, "key.pem"),
          "-out",
          join(dir, "cert.pem"),
        ],
        { stdio: "ignore" },
      );
      const tls = await ElectrumTestServer.start(index, {
        tls: { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") },
      });
      expect(tls.url.startsWith("ssl://")).toBe(true);
      const accepting = new ElectrumClient(tls.url);
      await accepting.connect();
      expect((await accepting.request<{ height: number }>("blockchain.headers.subscribe")).height).toBe(
        await node.height(),
      );
      await accepting.close();

      const strict = (await rejection(
        new ElectrumClient(tls.url, { acceptSelfSigned: false }).connect(),
      )) as ElectrumConnectionError;
      expect(strict).toBeInstanceOf(ElectrumConnectionError);
      expect(strict.certificateError).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
      await tls.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
