// Money is integer micro-dollars everywhere inside the bot: floats never touch a balance.

export const MICROS_PER_USD = 1_000_000;

/**
 * Parses a decimal dollar string ("0.05", "12", "$1.50") into micro-dollars without going through a float.
 * Returns undefined for anything that is not a plain non-negative decimal with at most `maxDecimals` places.
 */
export function parseUsd(input: string, maxDecimals = 6): number | undefined {
	const match = /^\$?\s*(\d{1,12})(?:\.(\d*))?$/.exec(input.trim());
	if (!match) return undefined;
	const whole = match[1] ?? '0';
	const fraction = match[2] ?? '';
	if (fraction.length > maxDecimals) return undefined;
	const micros = Number(whole) * MICROS_PER_USD + Number(fraction.padEnd(6, '0').slice(0, 6) || '0');
	return Number.isSafeInteger(micros) ? micros : undefined;
}

const usdFormats = new Map<string, Intl.NumberFormat>();

/**
 * US dollars as `locale` writes them: "$0.05", "$12.50", "$0.045" in en-US, "1.234,50 $" in de: two decimals, more only
 * where needed. The amount goes to Intl as an exact decimal string, so no float ever rounds it. `locale` must be valid.
 */
export function formatUsd(micros: number, locale = 'en-US'): string {
	let format = usdFormats.get(locale);
	if (!format) {
		format = new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 6 });
		usdFormats.set(locale, format);
	}
	const abs = Math.abs(micros);
	const exact = `${micros < 0 ? '-' : ''}${Math.floor(abs / MICROS_PER_USD)}.${String(abs % MICROS_PER_USD).padStart(6, '0')}`;
	// Intl.NumberFormat takes a decimal string as an exact decimal (ES2023); its types only say number.
	return format.format(exact as unknown as number);
}
