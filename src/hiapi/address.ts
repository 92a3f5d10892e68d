// Which IP addresses an image download may not reach: this machine and the networks behind it.
import { BlockList, isIP } from 'node:net';

/** IPv4 ranges that are not the public internet (IANA special-purpose registry, the parts that matter here). */
const V4: ReadonlyArray<readonly [string, number]> = [
	['0.0.0.0', 8], // "this network", unspecified
	['10.0.0.0', 8], // RFC 1918
	['100.64.0.0', 10], // carrier-grade NAT
	['127.0.0.0', 8], // loopback
	['169.254.0.0', 16], // link-local (cloud metadata lives here)
	['172.16.0.0', 12], // RFC 1918
	['192.0.0.0', 24], // IETF protocol assignments
	['192.168.0.0', 16], // RFC 1918
	['198.18.0.0', 15], // benchmarking
	['224.0.0.0', 4], // multicast
	['240.0.0.0', 4], // reserved, broadcast
];

const V6: ReadonlyArray<readonly [string, number]> = [
	['::', 128], // unspecified
	['::1', 128], // loopback
	['fc00::', 7], // unique local
	['fe80::', 10], // link-local
	['fec0::', 10], // site-local (deprecated, still routed by some)
	['ff00::', 8], // multicast
	['64:ff9b:1::', 48], // local-use NAT64
];

function hex16(a: number, b: number): string {
	return ((a << 8) | b).toString(16);
}

const blocked = new BlockList();
for (const [net, bits] of V4) {
	blocked.addSubnet(net, bits, 'ipv4');
	// The same IPv4 ranges written inside IPv6: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64 and 6to4.
	blocked.addSubnet(`::ffff:${net}`, 96 + bits, 'ipv6');
	blocked.addSubnet(`::${net}`, 96 + bits, 'ipv6');
	blocked.addSubnet(`64:ff9b::${net}`, 96 + bits, 'ipv6');
	const [a, b, c, d] = net.split('.').map(Number) as [number, number, number, number];
	blocked.addSubnet(`2002:${hex16(a, b)}:${hex16(c, d)}::`, 16 + bits, 'ipv6');
}
for (const [net, bits] of V6) blocked.addSubnet(net, bits, 'ipv6');

/** True for loopback, private, link-local, unspecified, multicast and reserved addresses, and anything not an IP. */
export function isInternalAddress(address: string): boolean {
	const ip = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
	const family = isIP(ip);
	if (family === 0) return true;
	return blocked.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}
