import { describe, expect, it } from 'vitest';
import { Abort } from './abort.js';

describe('Abort', () => {
  it('runs each listener once, with the reason set, and forgets removed ones', () => {
    const a = new Abort();
    const seen: string[] = [];
    const removed = () => seen.push('removed');
    a.addEventListener('abort', () => seen.push(`first:${(a.reason as Error).message}`));
    a.addEventListener('abort', removed);
    a.addEventListener('abort', () => seen.push('second'));
    a.removeEventListener('abort', removed);
    a.abort(new Error('gone'));
    a.abort(new Error('again'));
    expect(seen).toEqual(['first:gone', 'second']);
    expect(a.aborted).toBe(true);
  });
});
