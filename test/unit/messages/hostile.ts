// Member text an attacker would try on the bot's messages, and a check of what Discord would still render.

/** Each one formats, links or mentions something when rendered raw. */
export const HOSTILE = {
	maskedLink: '[free nitro](https://evil.example/claim)',
	twoLinks: 'see [a](https://a.example) and [b](https://b.example)',
	heading: '# CLICK HERE\n## now',
	subtext: '-# small print',
	quote: '> quoted\n>>> all of it',
	codeFence: '```js\nalert(1)\n```',
	inlineCode: 'run `rm -rf`',
	everyone: '@everyone free images @here',
	userMention: 'made by <@123456789012345678>',
	roleMention: 'ping <@&223456789012345678> and <#323456789012345678>',
	command: 'try </imagine:423456789012345678>',
	spoiler: '||hidden|| text',
	emphasis: '**bold** __under__ *it* ~~gone~~',
	backslash: 'a \\[not a link](x) \\',
	runs: '````code` ****it*',
	list: '* one\n- two\n1. three',
} as const;

/** What a reader sees once Discord has applied its escapes (a backslash before punctuation shows the punctuation). */
export function rendered(text: string): string {
	return text.replace(/\\([^0-9A-Za-z\s])/g, '$1').replace(/@\u200B(everyone|here)/gi, '@$1');
}

/** Positions of `text` where `i` is not escaped by an odd run of backslashes. */
function live(text: string, i: number): boolean {
	let n = 0;
	while (i - n - 1 >= 0 && text[i - n - 1] === '\\') n++;
	return n % 2 === 0;
}

/** The markdown constructs Discord would still act on in `text` (empty when it is inert). */
export function liveMarkup(text: string): string[] {
	const found: string[] = [];
	const at = (re: RegExp, name: string) => {
		for (const m of text.matchAll(re)) if (live(text, m.index)) found.push(name);
	};
	at(/\[[^\]]*\]\(/g, 'masked link');
	at(/<[@#/:]/g, 'mention');
	// Outside links, no emphasis, code, strikethrough or spoiler character may stay live (links keep theirs).
	for (const [i, part] of text.split(/(https?:\/\/\S+)/).entries()) {
		if (i % 2 === 0) for (const m of part.matchAll(/[*_`~|]/g)) if (live(part, m.index)) found.push(`live ${m[0]}`);
	}
	at(/(?<=^[ \t]*)#{1,3} /gm, 'heading');
	at(/(?<=^[ \t]*)-#/gm, 'subtext');
	at(/(?<=^[ \t]*)>/gm, 'quote');
	if (/@(everyone|here)/i.test(text)) found.push('@everyone/@here');
	return found;
}
