// One bot process per SQLite file, enforced with a lock rather than a convention: an exclusive SQLite
// transaction held open on a small companion file. The kernel drops the lock when the process dies, however
// it dies, so a crash never leaves a stale lock; a second process is refused at once.
import { DatabaseSync } from 'node:sqlite';

export class SqliteLockError extends Error {
	override name = 'SqliteLockError';
}

export interface SqliteLock {
	release(): void;
}

/** Takes the lock for the database at `file`, or throws SqliteLockError if another process holds it. */
export function lockSqliteFile(file: string): SqliteLock {
	const path = `${file}.lock`;
	let db: DatabaseSync;
	try {
		db = new DatabaseSync(path);
		db.exec('PRAGMA busy_timeout = 0');
		db.exec('PRAGMA locking_mode = EXCLUSIVE');
		db.exec('BEGIN EXCLUSIVE');
		// Touch the file inside the transaction so the exclusive lock is really taken now.
		db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
		db.exec(`DELETE FROM holder; INSERT INTO holder VALUES (${process.pid})`);
	} catch (error) {
		const message = (error as Error).message;
		if (/locked|busy/i.test(message)) {
			throw new SqliteLockError(
				`another imagine-bot process is using ${file} (it holds ${path}). Run one bot per SQLite file; for several processes use STORE_URL=redis://…`,
			);
		}
		throw new SqliteLockError(`cannot create the lock file ${path}: ${message}`);
	}
	return {
		release: () => {
			try {
				db.exec('ROLLBACK');
			} finally {
				db.close();
			}
		},
	};
}
