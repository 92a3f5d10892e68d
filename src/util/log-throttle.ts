// At most one log line per key per window, counting what it held back: a flood of refused requests must not
// become a flood of log lines (disk, log shipping), while the first of each kind is still seen at once.

export class LogThrottle {
	private readonly windows = new Map<string, { until: number; suppressed: number }>();

	constructor(
		private readonly windowMs: number,
		private readonly now: () => number = Date.now,
	) {}

	/**
	 * Whether to log now for `key`; when yes, `suppressed` is how many were held back since the last line for it
	 * (each line says how many it stands for).
	 */
	take(key: string): { log: true; suppressed: number } | { log: false } {
		const now = this.now();
		const w = this.windows.get(key);
		if (w && now < w.until) {
			w.suppressed += 1;
			return { log: false };
		}
		if (this.windows.size > 1000) this.windows.clear(); // keys are a handful of reasons; never grow unbounded
		this.windows.set(key, { until: now + this.windowMs, suppressed: 0 });
		return { log: true, suppressed: w?.suppressed ?? 0 };
	}
}
