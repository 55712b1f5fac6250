import { DatabaseError, isDatabaseError } from 'alphatrade-db';
import { describe, expect, it } from 'vitest';

describe('DatabaseError', () => {
  it('carries a stable code, a cause and a non-enumerable name', () => {
    const cause = new Error('root');
    const error = new DatabaseError('LOCK_TIMEOUT', 'waited too long', { cause });
    expect(error.code).toBe('LOCK_TIMEOUT');
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('DatabaseError');
    expect(Object.keys(error)).not.toContain('name');
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toBe('DatabaseError: waited too long');
  });

  it('is recognised by brand, including one made by another copy of the library', () => {
    const error = new DatabaseError('SQLITE_BUSY', 'busy', { sqliteCode: 5 });
    expect(isDatabaseError(error)).toBe(true);
    expect(error.sqliteCode).toBe(5);
    const fromOtherCopy = Object.defineProperty(new Error('other copy'), Symbol.for('alphatrade-db.DatabaseError'), { value: true });
    expect(isDatabaseError(fromOtherCopy)).toBe(true);
    expect(isDatabaseError(new Error('plain'))).toBe(false);
    expect(isDatabaseError({ code: 'SQLITE_BUSY', message: 'look-alike' })).toBe(false);
    expect(isDatabaseError(null)).toBe(false);
  });
});
