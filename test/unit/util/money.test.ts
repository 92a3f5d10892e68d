// formatUsd: exact (integer math into Intl, never a float), two decimals and more only where needed, per locale.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatUsd, formatUsd as format, MICROS_PER_USD } from '../../../src/util/money.js';

/** The English formatting before localization, as the oracle for en-US. */
function legacy(micros: number): string {
	const abs = Math.abs(micros);
	let fraction = String(abs % MICROS_PER_USD)
		.padStart(6, '0')
		.replace(/0+$/, '');
	if (fraction.length < 2) fraction = fraction.padEnd(2, '0');
	return `${micros < 0 ? '-' : ''}$${Math.floor(abs / MICROS_PER_USD).toLocaleString('en-US')}.${fraction}`;
}

describe('formatUsd', () => {
	it('writes en-US exactly as before, for any safe amount', () => {
		fc.assert(fc.property(fc.maxSafeInteger(), (m) => formatUsd(m) === legacy(m)));
		fc.assert(fc.property(fc.integer({ min: -10_000 * MICROS_PER_USD, max: 10_000 * MICROS_PER_USD }), (m) => formatUsd(m, 'en-US') === legacy(m)));
	});

	it('keeps every micro-dollar, in every locale (no float rounding even near 2^53)', () => {
		const digits = (s: string) => s.replace(/\D/g, '');
		fc.assert(
			fc.property(fc.maxSafeInteger(), fc.constantFrom('de', 'fr', 'es-ES', 'pt-BR', 'ja', 'ko', 'zh-CN', 'ru'), (m, locale) => {
				const whole = Math.floor(Math.abs(m) / MICROS_PER_USD);
				const fraction = String(Math.abs(m) % MICROS_PER_USD)
					.padStart(6, '0')
					.replace(/0+$/, '')
					.padEnd(2, '0');
				return digits(formatUsd(m, locale)) === `${whole}${fraction}`;
			}),
		);
		expect(formatUsd(Number.MAX_SAFE_INTEGER)).toBe('$9,007,199,254.740991');
	});

	it('writes amounts as each locale does, still in US dollars', () => {
		// Locales put a no-break space (U+00A0, U+202F) between digits and sign: shown here as plain spaces.
		const formatUsd = (m: number, locale?: string) => format(m, locale).replace(/\s/g, ' ');
		expect([formatUsd(1_500_000, 'de'), formatUsd(45_000, 'de'), formatUsd(1_234_500_000, 'de')]).toEqual(['1,50 $', '0,045 $', '1.234,50 $']);
		expect(formatUsd(1_500_000, 'fr')).toBe('1,50 $US');
		expect(formatUsd(1_500_000, 'pt-BR')).toBe('US$ 1,50');
		expect(formatUsd(1_500_000, 'ja')).toBe('$1.50');
		expect(formatUsd(-2_000_000, 'en-US')).toBe('-$2.00');
		expect(formatUsd(1_234_500_000, 'ru')).toBe('1 234,50 $');
	});
});
