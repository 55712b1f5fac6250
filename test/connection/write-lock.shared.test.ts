import { DatabaseError } from 'alphatrade-db';
import { describe, expect, it } from 'vitest';
import { WriteLock } from '../../src/client/write-lock.js';
import { rejection } from '../support/rejection.js';

describe('WriteLock', () => {
  it('grants the lock in arrival order', async () => {
    const lock = new WriteLock();
    const order: number[] = [];
    await lock.acquire({ timeoutMs: 1000 });
    const waiters = [1, 2, 3].map((n) =>
      lock.acquire({ timeoutMs: 1000 }).then(() => {
        order.push(n);
        lock.release();
      }),
    );
    lock.release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    expect(lock.held).toBe(false);
  });

  it('times out a waiter, which then never holds the lock', async () => {
    const lock = new WriteLock();
    await lock.acquire({ timeoutMs: 1000 });
    const error = await rejection(lock.acquire({ timeoutMs: 30 }));
    expect(error.code).toBe('LOCK_TIMEOUT');
    const next = lock.acquire({ timeoutMs: 1000 });
    lock.release();
    await next;
    expect(lock.held).toBe(true);
  });

  it('rejects an aborted waiter, and one whose signal already fired', async () => {
    const lock = new WriteLock();
    await lock.acquire({ timeoutMs: 1000 });
    const controller = new AbortController();
    const waiting = lock.acquire({ timeoutMs: 1000, signal: controller.signal });
    controller.abort();
    expect((await rejection(waiting)).code).toBe('ABORTED');
    expect((await rejection(lock.acquire({ timeoutMs: 1000, signal: controller.signal }))).code).toBe('ABORTED');
  });

  it('refuses every waiter once failed', async () => {
    const lock = new WriteLock();
    await lock.acquire({ timeoutMs: 1000 });
    const waiting = lock.acquire({ timeoutMs: 1000 });
    lock.fail(new DatabaseError('WORKER_CRASHED', 'gone'));
    expect((await rejection(waiting)).code).toBe('WORKER_CRASHED');
    expect((await rejection(lock.acquire({ timeoutMs: 1000 }))).code).toBe('WORKER_CRASHED');
  });
});
