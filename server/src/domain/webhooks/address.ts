import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { webhookUrlNotAllowed } from "../errors";

/**
 * The SSRF guard of webhooks. A webhook makes this server send requests to an address an editor
 * chose, so that address must not reach inside the network the server runs in: its host is
 * resolved (every address it has) and refused when any address is loopback, private, link-local,
 * unique-local, carrier-grade NAT, multicast, unspecified, reserved, or a cloud metadata endpoint,
 * IPv4 inside IPv6 (mapped, compatible, NAT64, 6to4, Teredo) included. The check runs when a
 * webhook is registered and again before every delivery (what a name resolves to can change),
 * and the delivery connects to the address that was checked, never resolving the name again.
 * `allowPrivate` (`WEBHOOK_ALLOW_PRIVATE=1`: tests, a private network) lets every address through.
 */

/** A URL whose host was resolved and found allowed, with the address to connect to. */
export interface VettedUrl {
  url: URL;
  /** The address to connect to (the first the host resolved to). */
  address: string;
  family: 4 | 6;
}

/** Addresses no webhook may reach even where their range would pass: cloud metadata services. */
const METADATA = new Set(["169.254.169.254", "fd00:ec2::254", "100.100.100.200"]);

/** IPv6 ranges that carry an IPv4 address, and which that is; it is then judged as IPv4. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const parts = address.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  if (address.isIPv4MappedAddress()) return address.toIPv4Address();
  // ::a.b.c.d (IPv4-compatible, deprecated) and ::ffff:0:a.b.c.d (RFC 6145).
  if (parts.slice(0, 6).every((p) => p === 0) && !(parts[6] === 0 && (parts[7] ?? 0) <= 1)) return v4(parts[6]!, parts[7]!);
  // 64:ff9b::/96, NAT64's well-known prefix, embeds the address last; 64:ff9b:1::/48 is local use.
  if (address.range() === "rfc6145" || (address.range() === "rfc6052" && parts[2] === 0)) return v4(parts[6]!, parts[7]!);
  if (address.range() === "6to4") return v4(parts[1]!, parts[2]!);
  return null;
}

/** Why an address may not be reached (its range, as people say it), or null when it may. */
export function refusedAddress(text: string): string | null {
  if (!ipaddr.isValid(text)) return "not an IP address";
  let address = ipaddr.parse(text);
  if (METADATA.has(address.toString()) || METADATA.has(text.toLowerCase())) return "a cloud metadata address";
  if (address.kind() === "ipv6") {
    const inner = embeddedIPv4(address as ipaddr.IPv6);
    if (inner) address = inner;
    // Teredo hides an IPv4 address (inverted), a local-use NAT64 prefix a network of its own.
    else if ((address as ipaddr.IPv6).range() === "teredo") return "a Teredo tunnel address";
    else if ((address as ipaddr.IPv6).range() === "rfc6052") return "a local-use NAT64 address";
  }
  if (METADATA.has(address.toString())) return "a cloud metadata address";
  const range = address.range();
  if (range === "unicast") return null;
  return RANGE_WORDS[range] ?? `a ${range} address`;
}

const RANGE_WORDS: Record<string, string> = {
  loopback: "a loopback address",
  private: "a private-network address",
  linkLocal: "a link-local address",
  uniqueLocal: "a unique-local address",
  carrierGradeNat: "a carrier-grade NAT address",
  multicast: "a multicast address",
  broadcast: "the broadcast address",
  unspecified: "the unspecified address",
  reserved: "a reserved address",
  deprecatedSiteLocal: "a site-local address",
  benchmarking: "a benchmarking address",
  discard: "a discard-only address",
};

/** A resolver that does not answer in this time counts as not finding the host, ms. */
const LOOKUP_TIMEOUT_MS = 5_000;

/** Every address of `host`, as the system resolver gives them (the hosts file included). */
async function resolveAll(host: string): Promise<{ address: string; family: number }[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer for ${host}`)), LOOKUP_TIMEOUT_MS);
  });
  try {
    return await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Parses and resolves a webhook URL and checks every address it resolves to. Throws 400
 * `webhook_url_not_allowed` for anything but http(s), credentials in the URL, a host that does not
 * resolve, or (unless `allowPrivate`) an address inside a private network.
 */
export async function vetWebhookUrl(text: string, allowPrivate: boolean): Promise<VettedUrl> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw webhookUrlNotAllowed("The webhook address is not a valid URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw webhookUrlNotAllowed("A webhook address must start with https:// or http://.");
  if (url.username || url.password) throw webhookUrlNotAllowed("A webhook address may not carry a user name or password; check the signature instead.");
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") throw webhookUrlNotAllowed("The webhook address has no host.");
  let addresses: { address: string; family: number }[];
  try {
    addresses = ipaddr.isValid(host) ? [{ address: host, family: host.includes(":") ? 6 : 4 }] : await resolveAll(host);
  } catch {
    throw webhookUrlNotAllowed(`The host "${host.slice(0, 100)}" of the webhook address could not be found.`);
  }
  if (addresses.length === 0) throw webhookUrlNotAllowed(`The host "${host.slice(0, 100)}" of the webhook address has no address.`);
  if (!allowPrivate) {
    for (const { address } of addresses) {
      const why = refusedAddress(address);
      if (why) throw webhookUrlNotAllowed(`The webhook address points to ${why} (${address}), which this server does not send to. Use a public address.`);
    }
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
