import { isIPv4, isIPv6 } from "node:net";

/**
 * Which IP addresses a merchant-supplied URL may reach. Everything that is not ordinary public unicast is
 * refused: loopback, private, shared (CGNAT), link-local (cloud metadata at 169.254.169.254), multicast,
 * documentation, benchmarking and reserved ranges, in IPv4 and IPv6 — including IPv6 forms that carry an
 * IPv4 address (`::ffff:127.0.0.1`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`), which are judged by that address.
 */

interface Range {
  prefix: number[];
  bits: number;
  kind: string;
}

const v4 = (cidr: string, kind: string): Range => {
  const [address, bits] = cidr.split("/");
  return { prefix: [...parseIPv4(address!)!], bits: Number(bits), kind };
};

const v6 = (cidr: string, kind: string): Range => {
  const [address, bits] = cidr.split("/");
  return { prefix: [...parseIPv6(address!)!], bits: Number(bits), kind };
};

const IPV4_BLOCKED: Range[] = [
  v4("0.0.0.0/8", "unspecified"),
  v4("10.0.0.0/8", "private"),
  v4("100.64.0.0/10", "shared (carrier-grade NAT)"),
  v4("127.0.0.0/8", "loopback"),
  v4("169.254.0.0/16", "link-local"),
  v4("172.16.0.0/12", "private"),
  v4("192.0.0.0/24", "reserved"),
  v4("192.0.2.0/24", "documentation"),
  v4("192.88.99.0/24", "reserved"),
  v4("192.168.0.0/16", "private"),
  v4("198.18.0.0/15", "benchmarking"),
  v4("198.51.100.0/24", "documentation"),
  v4("203.0.113.0/24", "documentation"),
  v4("224.0.0.0/4", "multicast"),
  v4("240.0.0.0/4", "reserved"),
];

/** IPv6 prefixes whose last 32 bits (or bits 16–47 for 6to4) are an IPv4 address that decides. */
const MAPPED_V4_PREFIXES: { range: Range; offset: number }[] = [
  { range: v6("::ffff:0:0/96", "ipv4-mapped"), offset: 12 },
  { range: v6("64:ff9b::/96", "nat64"), offset: 12 },
  { range: v6("2002::/16", "6to4"), offset: 2 },
];

const IPV6_BLOCKED: Range[] = [
  v6("::/96", "reserved"), // unspecified (::), loopback (::1) and the deprecated IPv4-compatible form
  v6("64:ff9b:1::/48", "nat64 local-use"),
  v6("100::/64", "discard"),
  v6("2001::/23", "reserved"), // IETF protocol assignments, Teredo included
  v6("2001:db8::/32", "documentation"),
  v6("3fff::/20", "documentation"),
  v6("fc00::/7", "private (unique local)"),
  v6("fe80::/10", "link-local"),
  v6("fec0::/10", "site-local"),
  v6("ff00::/8", "multicast"),
];

export function parseIPv4(text: string): Uint8Array | null {
  if (!isIPv4(text)) return null;
  return Uint8Array.from(text.split(".").map(Number));
}

/** The 16 bytes of an IPv6 address (brackets and a `%zone` suffix are ignored), or null if it is not one. */
export function parseIPv6(input: string): Uint8Array | null {
  let text = input.startsWith("[") && input.endsWith("]") ? input.slice(1, -1) : input;
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  if (!isIPv6(text)) return null;
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (tail.includes(".")) {
    const quad = parseIPv4(tail);
    if (!quad) return null;
    text = `${text.slice(0, lastColon + 1)}${((quad[0]! << 8) | quad[1]!).toString(16)}:${((quad[2]! << 8) | quad[3]!).toString(16)}`;
  }
  const [head, rest] = text.split("::") as [string, string | undefined];
  const groups = (part: string) => (part === "" ? [] : part.split(":").map((g) => Number.parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const words = rest === undefined ? left : [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  if (words.length !== 8) return null;
  const bytes = new Uint8Array(16);
  words.forEach((word, i) => {
    bytes[i * 2] = (word >> 8) & 0xff;
    bytes[i * 2 + 1] = word & 0xff;
  });
  return bytes;
}

function inRange(bytes: Uint8Array, range: Range): boolean {
  const whole = Math.floor(range.bits / 8);
  for (let i = 0; i < whole; i++) if (bytes[i] !== range.prefix[i]) return false;
  const rest = range.bits % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (bytes[whole]! & mask) === (range.prefix[whole]! & mask);
}

function v4Reason(bytes: Uint8Array): string | null {
  return IPV4_BLOCKED.find((range) => inRange(bytes, range))?.kind ?? null;
}

/**
 * Why `address` (an IPv4 or IPv6 literal) may not be reached, e.g. "loopback" or "private"; null when it is a
 * public address. Text that is not an IP address is refused too.
 */
export function blockedAddressReason(address: string): string | null {
  const quad = parseIPv4(address);
  if (quad) return v4Reason(quad);
  const bytes = parseIPv6(address);
  if (!bytes) return "invalid";
  for (const { range, offset } of MAPPED_V4_PREFIXES) {
    if (inRange(bytes, range)) {
      const reason = v4Reason(bytes.subarray(offset, offset + 4));
      return reason ? `${reason} (${range.kind})` : null;
    }
  }
  return IPV6_BLOCKED.find((range) => inRange(bytes, range))?.kind ?? null;
}

/** The host of a URL as an IP literal (IPv6 without brackets), or null when the host is a name. */
export function ipLiteralHost(url: URL): string | null {
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return isIPv4(host) || isIPv6(host) ? host : null;
}
