// Where images may be downloaded from: hiapi's hosts (HIAPI_BASE_URL's host, hiapi.ai and *.hiapi.ai) over https,
// and the operator's HIAPI_DOWNLOAD_HOSTS, the only hosts that may use plain http or a private address.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { domainToASCII } from 'node:url';
import { isInternalAddress } from './address.js';

export type RefusalReason = 'scheme' | 'credentials' | 'not-hiapi' | 'plain-http' | 'internal-address';

const WHY: Record<RefusalReason, string> = {
	scheme: 'is not an http(s) URL',
	credentials: 'carries a user name or password',
	'not-hiapi': "is not one of hiapi's hosts",
	'plain-http': 'uses plain http, allowed only for hosts in HIAPI_DOWNLOAD_HOSTS',
	'internal-address': 'is a loopback, private or link-local address, allowed only for hosts in HIAPI_DOWNLOAD_HOSTS',
};

/** A download the policy refused; `host` is safe to log (never the path or query of the link). */
export class DownloadRefused extends Error {
	readonly code = 'DOWNLOAD_REFUSED';
	constructor(
		readonly host: string,
		readonly reason: RefusalReason,
		readonly address?: string,
	) {
		super(`image host ${host}${address && address !== host ? ` (${address})` : ''} ${WHY[reason]}`);
		this.name = 'DownloadRefused';
	}
}

/**
 * A host as compared here: lower case, punycode for international names, IPv6 without brackets, IPv4 in dotted
 * form, no trailing dot. '' when it is not a host name at all.
 */
export function normalizeHost(host: string): string {
	let h = host.trim().toLowerCase();
	if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
	if (isIP(h) === 6) return new URL(`http://[${h}]/`).hostname.slice(1, -1);
	if (h.endsWith('.')) h = h.slice(0, -1);
	return domainToASCII(h);
}

/** Exact names and `.suffix`es (from `*.suffix`: any name below it, not the suffix itself). */
class HostSet {
	private readonly exact = new Set<string>();
	private readonly suffixes: string[] = [];

	constructor(entries: readonly string[]) {
		for (const entry of entries) {
			const wildcard = entry.trim().startsWith('*.');
			const host = normalizeHost(wildcard ? entry.trim().slice(2) : entry);
			if (host === '') continue;
			if (wildcard) this.suffixes.push(`.${host}`);
			else this.exact.add(host);
		}
	}

	has(host: string): boolean {
		return host !== '' && (this.exact.has(host) || this.suffixes.some((s) => host.endsWith(s)));
	}
}

export class DownloadHosts {
	private readonly hiapi: HostSet;
	private readonly listed: HostSet;

	/** `listed`: the operator's HIAPI_DOWNLOAD_HOSTS (exact names, `*.suffix`, IP addresses). */
	constructor(baseUrl: string, listed: readonly string[]) {
		this.hiapi = new HostSet(['hiapi.ai', '*.hiapi.ai', new URL(baseUrl).hostname]);
		this.listed = new HostSet(listed);
	}

	/** True when the operator listed `host` (it may then use http and resolve to a private address). */
	isListed(host: string): boolean {
		return this.listed.has(normalizeHost(host));
	}

	/** The URL to fetch, or a {@link DownloadRefused}: checked for every hop, redirects included. */
	check(url: string): URL {
		if (!URL.canParse(url)) throw new DownloadRefused('(unparsable URL)', 'scheme');
		const u = new URL(url);
		const host = normalizeHost(u.hostname);
		if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new DownloadRefused(host || u.protocol, 'scheme');
		const listed = this.listed.has(host);
		if (!listed && !this.hiapi.has(host)) throw new DownloadRefused(host, 'not-hiapi');
		if (u.username !== '' || u.password !== '') throw new DownloadRefused(host, 'credentials');
		if (!listed && u.protocol === 'http:') throw new DownloadRefused(host, 'plain-http');
		// A name is vetted when it resolves (see lookup); an address in the URL is vetted here.
		if (!listed && isIP(host) !== 0 && isInternalAddress(host)) throw new DownloadRefused(host, 'internal-address', host);
		return u;
	}

	/**
	 * A `lookup` for the download connections: every address a name resolves to is vetted at connect time, so a
	 * DNS answer cannot point an allowed name at this machine or its network. Listed hosts resolve unvetted.
	 */
	lookup(resolve: LookupFunction = dnsLookup): LookupFunction {
		return (hostname, options, callback) => {
			const host = normalizeHost(hostname);
			if (this.listed.has(host)) return resolve(hostname, options, callback);
			resolve(hostname, { ...options, all: true }, (err, answer, family) => {
				if (err) return callback(err, '');
				const addresses: LookupAddress[] = typeof answer === 'string' ? [{ address: answer, family: family ?? isIP(answer) }] : answer;
				const first = addresses[0];
				if (!first) return callback(Object.assign(new Error(`no address for ${host}`), { code: 'ENOTFOUND' }), '');
				// One internal answer refuses the name: a mixed answer is a rebinding attempt, not a CDN.
				const internal = addresses.find((a) => isInternalAddress(a.address));
				if (internal) return callback(new DownloadRefused(host, 'internal-address', internal.address), '');
				if (options.all) callback(null, addresses);
				else callback(null, first.address, first.family);
			});
		};
	}
}
