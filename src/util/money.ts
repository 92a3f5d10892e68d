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

/** "$0.05", "$1.00", "$0.045", "$12.50": two decimals, more only where needed. */
export function formatUsd(micros: number): string {
	const sign = micros < 0 ? '-' : '';
	const abs = Math.abs(micros);
	const whole = Math.floor(abs / MICROS_PER_USD);
	let fraction = String(abs % MICROS_PER_USD)
		.padStart(6, '0')
		.replace(/0+$/, '');
	if (fraction.length < 2) fraction = fraction.padEnd(2, '0');
	return `${sign}$${whole.toLocaleString('en-US')}.${fraction}`;
}
