// A set that forgets its oldest entries past a size: for "seen recently" checks that must not grow forever.

export class BoundedSet<T> {
	private readonly items = new Set<T>();
	constructor(private readonly max: number) {}

	has(item: T): boolean {
		return this.items.has(item);
	}

	/** Adds `item`; true when it was not there yet. Sets iterate in insertion order, so the oldest goes first. */
	add(item: T): boolean {
		if (this.items.has(item)) return false;
		this.items.add(item);
		if (this.items.size > this.max) {
			const oldest = this.items.values().next();
			if (!oldest.done) this.items.delete(oldest.value);
		}
		return true;
	}

	get size(): number {
		return this.items.size;
	}
}
