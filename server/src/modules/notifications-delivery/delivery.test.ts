import { describe, expect, it } from "vitest";
import { backoffStepMs, minimumSpanMs } from "../../jobs/backoff.ts";
import { blockedAddressReason, parseIPv6 } from "./address-policy.ts";
import { DEFAULT_DELIVERY_POLICY, DELIVERY_RETRY_WINDOW_MS } from "./delivery-policy.ts";
import { HttpSender } from "./http-sender.ts";
import { signBody, verifySignature } from "./signing.ts";

describe("address policy", () => {
  it.each([
    "0.0.0.0",
    "10.0.0.1",
    "10.255.255.255",
    "100.64.0.1",
    "127.0.0.1",
    "127.8.9.10",
    "169.254.169.254",
    "172.16.0.1",
    "172.31.255.254",
    "192.0.0.8",
    "192.0.2.1",
    "192.168.1.1",
    "198.18.0.1",
    "198.51.100.7",
    "203.0.113.9",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "0:0:0:0:0:0:0:1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:a9fe:a9fe",
    "::127.0.0.1",
    "64:ff9b::7f00:1",
    "64:ff9b::10.1.2.3",
    "2002:7f00:1::",
    "2002:c0a8:101::1",
    "fc00::1",
    "fd12:3456:789a::1",
    "fe80::1",
    "fe80::1%eth0",
    "febf::1",
    "fec0::1",
    "ff02::1",
    "ff05::1:3",
    "2001:db8::1",
    "2001::1",
    "100::1",
  ])("refuses %s", (address) => {
    expect(blockedAddressReason(address)).not.toBeNull();
  });

  it.each([
    "1.1.1.1",
    "8.8.8.8",
    "93.184.216.34",
    "172.15.255.255",
    "172.32.0.1",
    "100.63.255.255",
    "100.128.0.1",
    "169.253.1.1",
    "192.169.0.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:81b::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
  ])("allows the public address %s", (address) => {
    expect(blockedAddressReason(address)).toBeNull();
  });

  it("names the kind of address refused", () => {
    expect(blockedAddressReason("127.0.0.1")).toBe("loopback");
    expect(blockedAddressReason("10.1.2.3")).toBe("private");
    expect(blockedAddressReason("169.254.169.254")).toBe("link-local");
    expect(blockedAddressReason("::ffff:127.0.0.1")).toBe("loopback (ipv4-mapped)");
    expect(blockedAddressReason("fe80::1")).toBe("link-local");
    expect(blockedAddressReason("not an address")).toBe("invalid");
  });

  it("parses IPv6 forms to the same bytes", () => {
    const a = parseIPv6("::ffff:127.0.0.1");
    expect(a).toEqual(parseIPv6("0:0:0:0:0:ffff:7f00:1"));
    expect(a).toEqual(parseIPv6("[::ffff:7f00:1]"));
    expect(parseIPv6("1.2.3.4")).toBeNull();
  });
});

describe("URL refusals without DNS", () => {
  const guarded = new HttpSender({ allowPrivate: false });
  const open = new HttpSender({ allowPrivate: true });

  it.each([
    "http://127.0.0.1:8080/hook",
    "http://127.1/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://10.0.0.5/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://169.254.169.254/latest/meta-data",
    "http://localhost:3000/",
    "http://api.localhost/",
    "ftp://example.com/",
    "not a url",
  ])("refuses %s unless private targets are allowed", (url) => {
    expect(guarded.refusal(url)).not.toBeNull();
  });

  it("allows private literals when the operator allows them, but never other schemes", () => {
    expect(open.refusal("http://127.0.0.1:8080/hook")).toBeNull();
    expect(open.refusal("http://localhost/")).toBeNull();
    expect(open.refusal("file:///etc/passwd")).not.toBeNull();
    expect(guarded.refusal("https://example.com/hook")).toBeNull();
  });
});

describe("signing", () => {
  it("signs the raw body with HMAC-SHA256 as sha256=<hex>", () => {
    // RFC 4231 test case 2.
    expect(signBody("Jefe", "what do ya want for nothing?")).toBe(
      "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
    const body = '{"id":"1","type":"invoice.paid"}';
    const header = signBody("s3cr3t-s3cr3t-s3cr3t", body);
    expect(verifySignature("s3cr3t-s3cr3t-s3cr3t", body, header)).toBe(true);
    expect(verifySignature("s3cr3t-s3cr3t-s3cr3t", `${body} `, header)).toBe(false);
    expect(verifySignature("another-secret-value", body, header)).toBe(false);
    expect(verifySignature("s3cr3t-s3cr3t-s3cr3t", body, undefined)).toBe(false);
  });
});

describe("delivery policy", () => {
  it("keeps retrying for at least 24 hours even if every jittered wait is at its shortest", () => {
    const { backoff, maxAttempts } = DEFAULT_DELIVERY_POLICY;
    expect(minimumSpanMs(backoff, maxAttempts)).toBeGreaterThanOrEqual(DELIVERY_RETRY_WINDOW_MS);
    expect(minimumSpanMs(backoff, maxAttempts - 1)).toBeLessThan(DELIVERY_RETRY_WINDOW_MS);
    expect(backoffStepMs(backoff, 1)).toBe(10_000);
    expect(maxAttempts).toBe(34);
  });
});
