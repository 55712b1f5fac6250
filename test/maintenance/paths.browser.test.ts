/** In browsers a backup or restore by file path is refused with advice; bytes work (see the shared suites). */
import { describe, expect, it } from 'vitest';
import { openDb } from '../support/open-db.js';
import { rejection } from '../support/rejection.js';

describe('maintenance paths in browsers', () => {
  it('backup(path) and restore(path) are UNSUPPORTED_STORAGE', async () => {
    const db = openDb('sqlite-wasm');
    try {
      await db.setupDatabase();
      const backup = await rejection(db.maintenance.backup('backup.db'));
      expect(backup.code).toBe('UNSUPPORTED_STORAGE');
      expect(backup.message).toMatch(/backup\(\) for bytes/);
      expect((await rejection(db.maintenance.restore('backup.db'))).code).toBe('UNSUPPORTED_STORAGE');
      expect((await db.maintenance.backup()).byteLength).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });
});
