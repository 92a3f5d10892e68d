// URLs made safe to log: CDN links are bearer links (the path or the signed query is the credential), so a log
// keeps the scheme and host and replaces the rest by a short hash that still tells two links apart.
import { createHash } from 'node:crypto';

// scheme, authority (userinfo, host, [IPv6], port), then path/query/fragment up to whitespace, a double quote,
// <>, ` or a backslash (a JSON escape inside a log line). A single quote is a legal URL character, so it stays in.
const URL_RE = /(https?:\/\/)([^\s/?#"<>\\`]*)([^\s"<>\\`]*)/gi;
// Prose punctuation after a link ("(GET https://…)", "see https://….") is not part of it.
const TRAILING = /[).,;:!']+$/;
// A path kept as is: short plain segments (words, numbers such as Discord ids, `%40original`, the `[token]` and
// `[hash]` marks the scrubbers leave). Anything else (a query, a fragment, a long or odd segment) may be a credential.
const PLAIN_PATH = /^(?:\/(?:[\w.~%@:[\]-]{0,15}|\d{1,20}))*$/;

function digest(text: string): string {
	return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

function shorten(scheme: string, authority: string, whole: string): string {
	// Userinfo goes too: `https://user:pass@host/`.
	const host = authority.slice(authority.lastIndexOf('@') + 1);
	return `${scheme}${host}/[${digest(whole)}]`;
}

/** `https://cdn.example.com/[1a2b3c4d]`: scheme and host of `url`, the rest as a short hash. For logs and errors. */
export function shortUrl(url: string): string {
	const m = /^(https?:\/\/)([^\s/?#"<>\\`]*)/i.exec(url);
	return m ? shorten(m[1] as string, m[2] as string, url) : `[url ${digest(url)}]`;
}

/** Shortens every URL in `text` that carries userinfo, a query, a fragment or a token-like path; leaves the rest. */
export function redactUrls(text: string): string {
	if (!text.includes('://')) return text;
	return text.replace(URL_RE, (match: string, scheme: string, authority: string, rest: string) => {
		const tail = TRAILING.exec(rest)?.[0] ?? '';
		const path = rest.slice(0, rest.length - tail.length);
		if (!authority.includes('@') && PLAIN_PATH.test(path)) return match;
		return shorten(scheme, authority, match.slice(0, match.length - tail.length)) + tail;
	});
}
