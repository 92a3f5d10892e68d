// Durability without blocking the event loop. SQLite's synchronous=FULL fsyncs the WAL inside COMMIT, on the
// main thread: each commit stalled every interaction for the disk's fsync time (2–15 ms here, more on slow
// disks), which set the acknowledgement tail under a burst. Instead the connection runs synchronous=NORMAL
// (a commit only appends to the WAL) and the write queue reports a batch done only after this fdatasync of the
// WAL file, which libuv runs off the main thread. fsync flushes the file's pages whichever descriptor asks, so
// once it returns the batch's frames are as durable as FULL would have made them. Checkpoints under NORMAL
// still sync the WAL before and the database after, inside SQLite.
import { open, type FileHandle } from 'node:fs/promises';

export class WalSync {
	private handle: Promise<FileHandle> | undefined;

	constructor(private readonly walPath: string) {}

	/** Resolves once everything committed so far is on disk. */
	async sync(): Promise<void> {
		// Opened on first use: the WAL file exists once the first transaction has written to it.
		this.handle ??= open(this.walPath, 'r');
		let file: FileHandle;
		try {
			file = await this.handle;
		} catch (error) {
			this.handle = undefined;
			throw error;
		}
		await file.datasync();
	}

	async close(): Promise<void> {
		const handle = this.handle;
		this.handle = undefined;
		await (await handle?.catch(() => undefined))?.close();
	}
}
