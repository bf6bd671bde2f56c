/**
 * Sends malformed, hostile and oversized input to every write route and every list route the app documents
 * in its own OpenAPI document, so routes added later are covered without touching this file. Bad input must
 * never produce a 5xx, every error must carry `detail`, and the database must come out healthy and with
 * other users' objects untouched.
 */
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, registerUser, type TestApp } from "./helpers/test-app.ts";

type Schema = Record<string, any>;
type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

interface Operation {
  method: Method;
  path: string;
  /** The JSON body schema, when the route documents one. */
  jsonBody: Schema | null;
  /** True when the route documents a multipart body, or documents no body at all (upload routes read theirs). */
  maybeMultipart: boolean;
  queryParams: Schema[];
}

interface FieldPath {
  path: string[];
  required: boolean;
  /** The JSON Schema type, when the schema names one. */
  type: string | undefined;
}

interface Request {
  label: string;
  /** Sent as JSON unless `raw` is set. `undefined` sends no body. */
  json?: unknown;
  raw?: string | Buffer;
  contentType?: string;
}

interface Outcome {
  request: string;
  status: number;
  body: string;
  hasDetail: boolean;
}

const WRITE_METHODS = new Set(["post", "put", "patch"]);
const LIST_PARAMS = new Set(["offset", "limit", "query", "multiple", "sort", "desc", "autocomplete"]);
const HUGE = "x".repeat(100_000);
const EMOJI = "😀🎉👩‍👩‍👧‍👦 fuzz";
const RTL = "\u202Eمرحبا بالعالم\u200F שלום";
const NUL = "nul\u0000byte";
/** `{a: {a: … "leaf" …}}`, `levels` objects deep. */
function nested(levels: number): unknown {
  let value: unknown = "leaf";
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

const DEEP_ARRAY = JSON.parse(`${"[".repeat(2000)}${"]".repeat(2000)}`);
/** Nesting far beyond any recursion limit, kept as text: 200,000 levels of arrays in 400 KB. */
const DEEPEST = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
/** The same with objects, which records and `unknown` fields accept: 100,000 levels in 600 KB. */
const DEEPEST_OBJECT = `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`;
const DEEPEST_MARK = "__deepest__";

/** Wrong-typed and hostile values every field gets in turn. */
const FIELD_VALUES: [string, unknown][] = [
  ["number", 12345],
  ["string", "fuzz-string"],
  ["boolean", true],
  ["array", [1, "two", null, { three: 3 }]],
  ["object", { nested: { deep: [1] } }],
  ["null", null],
  ["huge string", HUGE],
  ["emoji", EMOJI],
  ["rtl", RTL],
  ["nul byte", NUL],
  ["-1", -1],
  ["-1e308", -1e308],
  ["1e308", 1e308],
  ["2**64", 2 ** 64],
  ["huge exponent", "1e999999999"],
  ["tiny exponent", "-1e-999999999"],
  ["deep array", DEEP_ARRAY],
  ["deep object", nested(2000)],
];

/** Ids that must never reach a 500, in path parameters. */
const GARBAGE_IDS = [
  "'; drop table users;--",
  "x".repeat(300),
  "😀",
  "nul\u0000id",
  "..%2F..%2Fetc%2Fpasswd",
  "%",
  "-1",
  "1e999",
];

/** Query values for list routes. */
const LIST_QUERIES = [
  "offset=-5",
  "limit=abc",
  "offset=abc",
  "limit=-2",
  "limit=1e20",
  "offset=1e20",
  "offset=9007199254740991&limit=9007199254740991",
  "limit=-1&offset=3",
  "offset=1&offset=2",
  `sort=${encodeURIComponent(";drop table users;--")}`,
  `sort=${encodeURIComponent("created desc, (select 1)")}`,
  `sort=${encodeURIComponent("x".repeat(65))}`,
  "desc=maybe",
  "autocomplete=yes",
  "multiple=true&query=a,b,%25,_",
  "query=%25",
  "query=_",
  "query=%5C",
  `query=${encodeURIComponent("'")}`,
  `query=${encodeURIComponent('"')}`,
  `query=${encodeURIComponent('"quoted')}`,
  `query=${encodeURIComponent("' OR '1'='1")}`,
  `query=${encodeURIComponent("metadata.a'b:c")}`,
  `query=${encodeURIComponent("metadata.key:val'ue metadata.key:%")}`,
  `query=${encodeURIComponent("metadata.:x metadata..:y")}`,
  `query=${encodeURIComponent("id:'x' status:% created:%")}`,
  `query=${encodeURIComponent("start_date:-99999999999y end_date:-999999999999999999999d")}`,
  `query=${encodeURIComponent("start_date:9999-99-99 end_date:0000-00-00T99:99")}`,
  `query=${encodeURIComponent("start_date:-1d end_date:2099-01-01")}`,
  `query=${encodeURIComponent(EMOJI)}`,
  `query=${encodeURIComponent(RTL)}`,
  `query=${encodeURIComponent(NUL)}`,
  `query=${encodeURIComponent("a ".repeat(499))}`,
  `query=${"x".repeat(1001)}`,
  "query=%E0%A4%A",
];

/** Values for the extra, route-specific query parameters. */
const QUERY_VALUES = ["", "'", "%", "_", "-1", "abc", "1e999999999", "-1e308", "true", "x".repeat(5000), NUL, EMOJI];

/** Field names upload and other undocumented bodies commonly use, each sent with the wrong types. */
const GENERIC_FIELDS = ["name", "price", "quantity", "store_id", "amount", "email", "metadata", "data", "status", "id"];

const BOUNDARY = "----fuzzboundary";

function multipart(parts: { name: string; value: string | Buffer; filename?: string }[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ""}`;
    const type = part.filename ? "Content-Type: application/octet-stream\r\n" : "";
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`));
    chunks.push(Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value));
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

const MULTIPART_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

/** Malformed and hostile multipart bodies. */
function multipartCases(): Request[] {
  const garbage = JSON.stringify({ name: [1], price: { a: 1 }, quantity: "many", metadata: "x", store_id: -1 });
  return [
    { label: "multipart without boundary", raw: "garbage", contentType: "multipart/form-data" },
    { label: "multipart with unknown boundary", raw: "garbage without any boundary", contentType: MULTIPART_TYPE },
    {
      label: "truncated multipart",
      raw: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="data"\r\n\r\n{"name":`,
      contentType: MULTIPART_TYPE,
    },
    { label: "multipart with only the closing boundary", raw: `--${BOUNDARY}--\r\n`, contentType: MULTIPART_TYPE },
    {
      label: "multipart data not JSON",
      raw: multipart([{ name: "data", value: "{not json" }]),
      contentType: MULTIPART_TYPE,
    },
    {
      label: "multipart data wrong types",
      raw: multipart([{ name: "data", value: garbage }]),
      contentType: MULTIPART_TYPE,
    },
    { label: "multipart data array", raw: multipart([{ name: "data", value: "[1,2]" }]), contentType: MULTIPART_TYPE },
    {
      label: "multipart data nul",
      raw: multipart([{ name: "data", value: JSON.stringify({ name: NUL }) }]),
      contentType: MULTIPART_TYPE,
    },
    {
      label: "multipart random file",
      raw: multipart([
        { name: "data", value: garbage },
        { name: "file", value: Buffer.from([0, 1, 2, 255, 254, 0x89, 0x50]), filename: "../../evil.png" },
        { name: "image", value: Buffer.from("<svg onload=alert(1)>"), filename: "x.svg" },
      ]),
      contentType: MULTIPART_TYPE,
    },
    {
      label: "multipart nul filename",
      raw: multipart([
        { name: "data", value: "{}" },
        { name: "file", value: Buffer.from("GIF89a"), filename: "a\u0000b.gif" },
        { name: "image", value: Buffer.from("GIF89a"), filename: "a\u0000b.gif" },
      ]),
      contentType: MULTIPART_TYPE,
    },
    {
      label: "multipart empty file",
      raw: multipart([{ name: "file", value: Buffer.alloc(0), filename: "" }]),
      contentType: MULTIPART_TYPE,
    },
    {
      label: "multipart too many parts",
      raw: multipart(Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, value: "v" }))),
      contentType: MULTIPART_TYPE,
    },
    {
      label: "multipart plain fields",
      raw: multipart(GENERIC_FIELDS.map((name) => ({ name, value: "'; drop table x;--" }))),
      contentType: MULTIPART_TYPE,
    },
  ];
}

/** Whole-body cases every write route gets, whatever its schema. */
function bodyShapeCases(): Request[] {
  return [
    { label: "missing body" },
    { label: "{}", json: {} },
    { label: "[]", json: [] },
    { label: "null", raw: "null", contentType: "application/json" },
    { label: "string", json: "fuzz" },
    { label: "number", raw: "42", contentType: "application/json" },
    { label: "malformed JSON", raw: '{"name": "x",', contentType: "application/json" },
    { label: "empty JSON", raw: "", contentType: "application/json" },
    { label: "__proto__", raw: '{"__proto__": {"isAdmin": true}}', contentType: "application/json" },
    {
      label: "constructor.prototype",
      raw: '{"constructor": {"prototype": {"x": 1}}}',
      contentType: "application/json",
    },
    { label: "deeply nested", json: DEEP_ARRAY },
    { label: "200,000 levels deep", raw: DEEPEST, contentType: "application/json" },
    { label: "text/plain", raw: "hello", contentType: "text/plain" },
    { label: "form-urlencoded", raw: "a=1&b=2", contentType: "application/x-www-form-urlencoded" },
  ];
}

let counter = 0;

describe("fuzzing the documented API", () => {
  let app: TestApp;
  let admin: Awaited<ReturnType<typeof registerUser>>;
  let other: Awaited<ReturnType<typeof registerUser>>;
  let doc: Schema;
  let operations: Operation[];
  const outcomes: Outcome[] = [];
  const sentinels: { url: string; token: string; snapshot: unknown }[] = [];
  /** Per caller and collection: the id of an object created for the fuzzing, or null when none could be. */
  const ownIds = new Map<string, string | null>();

  const deref = (schema: Schema | undefined): Schema | undefined => {
    let current = schema;
    for (let i = 0; current?.$ref && i < 20; i++) {
      current = String(current.$ref)
        .slice(2)
        .split("/")
        .reduce<any>((node, key) => node?.[key], doc);
    }
    return current;
  };

  /** A value the schema accepts, as far as the schema says; used as the valid base of each case. */
  function sample(input: Schema | undefined, key = "", depth = 0): unknown {
    const schema = deref(input);
    if (!schema || depth > 6) return guessByKey(key);
    if ("default" in schema) return structuredClone(schema.default);
    if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
    if ("const" in schema) return schema.const;
    const variants: Schema[] | undefined = schema.anyOf ?? schema.oneOf;
    if (variants?.length) {
      const pick = variants.find((v) => deref(v)?.type !== "null" && !deref(v)?.nullable) ?? variants[0];
      return sample(pick, key, depth + 1);
    }
    if (schema.allOf?.length) return sample(schema.allOf[0], key, depth + 1);
    const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== "null") : schema.type;
    switch (type) {
      case "string":
        return sampleString(schema, key);
      case "integer":
      case "number": {
        const low = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
        const high = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : low);
        return Math.min(Math.max(1, low), Math.max(high, low));
      }
      case "boolean":
        return false;
      case "array":
        return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items, key, depth + 1));
      case "object": {
        const out: Record<string, unknown> = {};
        for (const name of schema.required ?? []) out[name] = sample(schema.properties?.[name], name, depth + 1);
        return out;
      }
      default:
        return guessByKey(key);
    }
  }

  function guessByKey(key: string): unknown {
    if (/date|time|expir/i.test(key)) return "2099-01-01T00:00:00.000Z";
    if (/price|amount|percent|fee|rate/i.test(key)) return "1";
    return `fuzz-${++counter}`;
  }

  function sampleString(schema: Schema, key: string): string {
    const candidates: string[] = [];
    if (schema.format === "email" || /email/i.test(key)) candidates.push(`fuzz-${++counter}@example.com`);
    if (schema.format === "uri" || schema.format === "url" || /url$/i.test(key))
      candidates.push("https://example.com/fuzz");
    if (schema.format === "date-time" || schema.format === "date" || /date/i.test(key))
      candidates.push("2099-01-01T00:00:00.000Z");
    if (/currenc/i.test(key)) candidates.push("USD");
    if (/price|amount|percent|fee|rate/i.test(key)) candidates.push("1");
    candidates.push(`fuzz-${++counter}`, "USD", "BTC", "fuzz", "a", "1", "2099-01-01");
    const fits = (value: string) =>
      value.length >= (schema.minLength ?? 0) &&
      value.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY) &&
      (!schema.pattern || new RegExp(schema.pattern).test(value));
    const found = candidates.find(fits);
    if (found !== undefined) return found;
    const length = Math.max(schema.minLength ?? 1, 1);
    return "a".repeat(Math.min(length, schema.maxLength ?? length));
  }

  /** Every property path of an object schema, nested objects included, up to `depth` levels. */
  function fieldPaths(input: Schema | undefined, prefix: string[] = [], depth = 0): FieldPath[] {
    const schema = deref(input);
    if (!schema || depth > 3) return [];
    const properties = schema.properties ?? {};
    const required = new Set<string>(schema.required ?? []);
    const out: FieldPath[] = [];
    for (const [name, child] of Object.entries<Schema>(properties)) {
      const path = [...prefix, name];
      const resolved = deref(child);
      const type = Array.isArray(resolved?.type) ? resolved.type.find((t: string) => t !== "null") : resolved?.type;
      out.push({ path, required: required.has(name), type });
      if (resolved?.type === "object" || resolved?.properties) out.push(...fieldPaths(resolved, path, depth + 1));
    }
    return out;
  }

  function withValue(base: unknown, path: string[], value: unknown, remove = false): unknown {
    const copy = structuredClone(base) as Record<string, any>;
    let node = copy;
    for (const key of path.slice(0, -1)) {
      if (typeof node[key] !== "object" || node[key] === null || Array.isArray(node[key])) node[key] = {};
      node = node[key];
    }
    const leaf = path[path.length - 1]!;
    if (remove) delete node[leaf];
    else node[leaf] = value;
    return copy;
  }

  /** The body cases for one operation. */
  function writeCases(operation: Operation): Request[] {
    const cases = bodyShapeCases();
    if (operation.jsonBody) {
      // A fresh valid body per case, so a unique name taken by an earlier case does not hide later checks.
      const base = () => sample(operation.jsonBody!) as Record<string, unknown>;
      cases.push({ label: "valid base with extra fields", json: { ...base(), ...EXTRA_FIELDS } });
      for (const { path, required, type } of fieldPaths(operation.jsonBody)) {
        const name = path.join(".");
        if (required) cases.push({ label: `${name} missing`, json: withValue(base(), path, undefined, true) });
        for (const [kind, value] of FIELD_VALUES)
          cases.push({ label: `${name}=${kind}`, json: withValue(base(), path, value) });
        cases.push({ label: `${name}=nul key`, json: withValue(base(), path, { "k\u0000ey": "v" }) });
        cases.push({ label: `${name}=65 levels deep`, json: withValue(base(), path, nested(65)) });
        if (type === undefined || type === "object" || type === "array") {
          const text = JSON.stringify(withValue(base(), path, DEEPEST_MARK));
          const arrays = text.replace(`"${DEEPEST_MARK}"`, DEEPEST);
          cases.push({ label: `${name}=200,000 levels of arrays`, raw: arrays, contentType: "application/json" });
          const objects = text.replace(`"${DEEPEST_MARK}"`, DEEPEST_OBJECT);
          cases.push({ label: `${name}=100,000 levels of objects`, raw: objects, contentType: "application/json" });
          const inside = text.replace(`"${DEEPEST_MARK}"`, `{"a":${DEEPEST}}`);
          cases.push({ label: `${name}=200,000 levels inside a record`, raw: inside, contentType: "application/json" });
        }
      }
      cases.push({
        label: "well-formed multipart to a JSON route",
        raw: multipart([{ name: "data", value: "{}" }]),
        contentType: MULTIPART_TYPE,
      });
    }
    if (operation.maybeMultipart) {
      cases.push(...multipartCases());
      cases.push({ label: "generic extra fields", json: EXTRA_FIELDS });
      for (const name of GENERIC_FIELDS) {
        for (const [kind, value] of FIELD_VALUES)
          cases.push({ label: `generic ${name}=${kind}`, json: { [name]: value } });
      }
    }
    return cases;
  }

  const EXTRA_FIELDS = {
    unknown_field_fuzz: "x",
    id: "forged-id",
    user_id: "forged-user-id",
    created: "1970-01-01T00:00:00Z",
    is_superuser: true,
    token_hash: "forged",
  };

  async function send(method: Method, url: string, request: Request, token: string | null = admin.token) {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | Buffer | undefined;
    if (request.raw !== undefined) {
      payload = request.raw;
      if (request.contentType) headers["content-type"] = request.contentType;
    } else if (request.json !== undefined) {
      payload = JSON.stringify(request.json);
      headers["content-type"] = "application/json";
    }
    const response = await app.till.http.inject({
      method,
      url,
      headers,
      ...(payload === undefined ? {} : { payload }),
    });
    const detail = safeJson(response)?.detail;
    outcomes.push({
      request: `${method} ${url.slice(0, 200)} [${request.label}]`,
      status: response.statusCode,
      body: response.body.slice(0, 300),
      hasDetail: detail !== undefined && detail !== null,
    });
    return response;
  }

  /** The schema of the property at `path` within an object schema. */
  function schemaAt(schema: Schema | undefined, path: string[]): Schema | undefined {
    let node = deref(schema);
    for (const key of path) node = deref(node?.properties?.[key]);
    return node;
  }

  /**
   * Creates an object with a valid body: the sample from the schema, repaired from the 422 answers where
   * the schema says too little (a field required at run time, a number, a value that must be "one of: …",
   * the id of another object the caller owns).
   */
  async function createValid(path: string, schema: Schema, token: string): Promise<Record<string, any> | null> {
    let body = sample(schema);
    for (let attempt = 0; attempt < 6; attempt++) {
      const response = await send("POST", path, { label: "create", json: body }, token);
      const answer = safeJson(response);
      if (response.statusCode === 200) return answer && typeof answer === "object" ? answer : null;
      if (response.statusCode !== 422 || !Array.isArray(answer?.detail)) return null;
      let repaired = false;
      for (const issue of answer.detail) {
        if (!Array.isArray(issue?.loc) || issue.loc[0] !== "body" || issue.loc.length < 2) continue;
        const fieldPath = issue.loc.slice(1).map(String);
        const key = fieldPath[fieldPath.length - 1]!;
        const message = String(issue.msg ?? "");
        const choice = /one of:?\s*(.+)$/i
          .exec(message)?.[1]
          ?.split(",")[0]
          ?.trim()
          .replace(/^['"]|['"]$/g, "");
        const expected = /expected (number|integer|boolean|string|array|object)/.exec(message)?.[1];
        let value: unknown = choice;
        if (value === undefined && expected) value = sample({ type: expected }, key);
        if (value === undefined && issue.type === "missing") {
          const linked = /^(\w+)_id$/.exec(key);
          const collection = linked ? `/${linked[1]}s` : null;
          value =
            collection && collection !== path
              ? ((await ownId(collection, token)) ?? undefined)
              : sample(schemaAt(schema, fieldPath), key);
        }
        if (value === undefined) continue;
        body = withValue(body, fieldPath, value);
        repaired = true;
      }
      if (!repaired) return null;
    }
    return null;
  }

  /** The id of an object `token`'s user owns in `collection`, created by valid requests; null when none can be. */
  async function ownId(collection: string, token: string = admin.token): Promise<string | null> {
    const cacheKey = `${token} ${collection}`;
    if (ownIds.has(cacheKey)) return ownIds.get(cacheKey)!;
    ownIds.set(cacheKey, null);
    let id: string | null = null;
    // Upload routes document no body but also take their fields as JSON: the 422 answers say which.
    const create = operations.find(
      (op) => op.method === "POST" && op.path === collection && (op.jsonBody || op.maybeMultipart),
    );
    if (create && !collection.includes("{")) {
      const created = await createValid(collection, create.jsonBody ?? { type: "object" }, token);
      if (typeof created?.id === "string") id = created.id;
      else if (create.maybeMultipart) {
        // An upload that needs its file: a small text file, under the usual field names (one file per request).
        for (const name of ["file", "image"]) {
          const raw = multipart([{ name, value: "hello", filename: "hello.txt" }]);
          const response = await send(
            "POST",
            collection,
            { label: "create upload", raw, contentType: MULTIPART_TYPE },
            token,
          );
          const answer = safeJson(response);
          if (response.statusCode === 200 && typeof answer?.id === "string") {
            id = answer.id;
            break;
          }
        }
      }
    }
    ownIds.set(cacheKey, id);
    return id;
  }

  async function concretePath(path: string, overrideId?: string): Promise<string> {
    let url = path;
    for (const match of path.matchAll(/\{([^}]+)\}/g)) {
      const collection = path.slice(0, match.index! - 1);
      const id = overrideId ?? (await ownId(collection)) ?? `01FUZZ${String(++counter).padStart(20, "0")}`;
      url = url.replace(match[0], encodeURIComponent(id));
    }
    return url;
  }

  beforeAll(async () => {
    app = await createTestApp();
    admin = await registerUser(app, "fuzz-admin@example.com", "fuzz-admin-password");
    other = await registerUser(app, "fuzz-other@example.com", "fuzz-other-password");
    expect(admin.isSuperuser).toBe(true);
    doc = (await app.call("GET", "/openapi.json")).json();
    operations = [];
    for (const [path, item] of Object.entries<Schema>(doc.paths)) {
      for (const [method, operation] of Object.entries<Schema>(item)) {
        if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
        const content = operation.requestBody?.content ?? {};
        const jsonBody = content["application/json"]?.schema ?? null;
        const multipartBody = content["multipart/form-data"] !== undefined;
        operations.push({
          method: method.toUpperCase() as Method,
          path,
          jsonBody: jsonBody ? deref(jsonBody)! : null,
          maybeMultipart: WRITE_METHODS.has(method) && (multipartBody || !operation.requestBody),
          queryParams: [...(item.parameters ?? []), ...(operation.parameters ?? [])].filter(
            (p: Schema) => p.in === "query",
          ),
        });
      }
    }

    // Objects of another user, created before the fuzzing and compared after it.
    for (const op of operations) {
      if (op.method !== "POST" || op.path.includes("{")) continue;
      if (!operations.some((get) => get.method === "GET" && get.path === `${op.path}/{id}`)) continue;
      const id = await ownId(op.path, other.token);
      if (id === null) continue;
      const url = `${op.path}/${encodeURIComponent(id)}`;
      const read = await app.call("GET", url, { token: other.token });
      // Some collections accept anyone's POST but only a superuser's GET (users): nothing to compare then.
      if (read.statusCode !== 200) continue;
      sentinels.push({ url, token: other.token, snapshot: read.json() });
    }
    for (const url of ["/users/me", "/token?limit=-1&sort=id&desc=false"]) {
      sentinels.push({
        url,
        token: other.token,
        snapshot: (await app.call("GET", url, { token: other.token })).json(),
      });
    }
  }, 120_000);

  afterAll(() => app?.close());

  it("discovers the routes to fuzz from the OpenAPI document", () => {
    const writes = operations.filter((op) => WRITE_METHODS.has(op.method.toLowerCase()));
    expect(writes.some((op) => op.path === "/users" && op.jsonBody)).toBe(true);
    expect(writes.some((op) => op.path === "/token" && op.jsonBody)).toBe(true);
    expect(writes.some((op) => op.path === "/manage/policies" && op.jsonBody)).toBe(true);
    expect(operations.some((op) => op.method === "GET" && op.queryParams.some((p) => p.name === "offset"))).toBe(true);
    // At least the token collection yields a real object for path parameters and a sentinel to compare.
    expect(sentinels.some((s) => s.url.startsWith("/token/"))).toBe(true);
  });

  it("never answers a malformed write with a 5xx, and every error carries detail", async () => {
    for (const operation of operations) {
      if (!WRITE_METHODS.has(operation.method.toLowerCase())) continue;
      const url = await concretePath(operation.path);
      for (const request of writeCases(operation)) {
        const response = await send(operation.method, url, request);
        if (request.label === "valid base with extra fields" && response.statusCode === 200) {
          const body = safeJson(response);
          if (body && typeof body === "object" && !Array.isArray(body)) {
            if ("user_id" in body)
              expect(body.user_id, `${operation.method} ${url} honoured a forged user_id`).not.toBe("forged-user-id");
            if ("id" in body) expect(body.id, `${operation.method} ${url} honoured a forged id`).not.toBe("forged-id");
          }
        }
      }
      if (operation.path.includes("{")) {
        for (const id of GARBAGE_IDS) {
          const json = operation.jsonBody ? sample(operation.jsonBody) : {};
          await send(operation.method, await concretePath(operation.path, id), {
            label: `garbage id ${JSON.stringify(id).slice(0, 40)}`,
            json,
          });
        }
      }
    }
    expect(outcomes.length).toBeGreaterThan(500);
    expect(failures(outcomes)).toEqual([]);
  }, 180_000);

  it("never answers garbage list parameters or ids with a 5xx", async () => {
    const start = outcomes.length;
    for (const operation of operations) {
      if (operation.method === "GET" && !operation.path.includes("{")) {
        const names = new Set(operation.queryParams.map((p) => p.name));
        if (names.has("offset")) {
          for (const query of LIST_QUERIES) await send("GET", `${operation.path}?${query}`, { label: "list query" });
        }
        for (const param of operation.queryParams) {
          if (LIST_PARAMS.has(param.name)) continue;
          for (const value of QUERY_VALUES) {
            await send("GET", `${operation.path}?${param.name}=${encodeURIComponent(value)}`, {
              label: `query ${param.name}`,
            });
          }
          await send("GET", `${operation.path}?${param.name}=a&${param.name}=b`, { label: `repeated ${param.name}` });
        }
      }
      if ((operation.method === "GET" || operation.method === "DELETE") && operation.path.includes("{")) {
        for (const id of GARBAGE_IDS) {
          await send(operation.method, await concretePath(operation.path, id), {
            label: `garbage id ${JSON.stringify(id).slice(0, 40)}`,
          });
        }
      }
    }
    expect(outcomes.length - start).toBeGreaterThan(100);
    expect(failures(outcomes.slice(start))).toEqual([]);
  }, 180_000);

  it("leaves the database healthy and other users' objects unchanged", async () => {
    const ready = await app.call("GET", "/health/ready");
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks.database).toBe("ok");
    expect(sentinels.length).toBeGreaterThanOrEqual(3);
    for (const sentinel of sentinels) {
      const response = await app.call("GET", sentinel.url, { token: sentinel.token });
      expect(response.statusCode, sentinel.url).toBe(200);
      expect(response.json(), sentinel.url).toEqual(sentinel.snapshot);
    }
    // The admin's own token still works after all of it.
    expect((await app.call("GET", "/users/me", { token: admin.token })).statusCode).toBe(200);
  });
});

function safeJson(response: LightMyRequestResponse): any {
  try {
    return response.json();
  } catch {
    return undefined;
  }
}

/** The outcomes that break the rules: a 5xx, or an error answer without `detail`. */
function failures(outcomes: Outcome[]): string[] {
  const bad: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.status >= 500) {
      bad.push(`${outcome.request} -> ${outcome.status} ${outcome.body}`);
      continue;
    }
    if (outcome.status >= 400 && !outcome.hasDetail) {
      bad.push(`${outcome.request} -> ${outcome.status} without detail: ${outcome.body}`);
    }
  }
  return bad;
}
