import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageOf, summarizeProfile } from '../lib/profile.mjs';

describe('cpu profile summary', () => {
  it('names the package of a script', () => {
    expect(packageOf('file:///r/node_modules/.pnpm/undici@7.30.2/node_modules/undici/lib/core/util.js')).toBe(
      'undici',
    );
    expect(
      packageOf(
        'file:///r/node_modules/.pnpm/@hono+node-server@2.1.9/node_modules/@hono/node-server/dist/index.mjs',
      ),
    ).toBe('@hono/node-server');
    expect(packageOf('file:///r/packages/core/dist/index.js')).toBe('packages/core');
    expect(packageOf('node:internal/streams/writable')).toBe('node:internal');
    expect(packageOf('')).toBe('(native)');
  });

  it('ranks self time by function and package, leaving idle time out', () => {
    const frame = (functionName: string, url: string) => ({
      functionName,
      url,
      lineNumber: 9,
      columnNumber: 0,
      scriptId: '0',
    });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', '') },
        { id: 2, callFrame: frame('(idle)', '') },
        {
          id: 3,
          callFrame: frame(
            'request',
            'file:///r/node_modules/.pnpm/undici@7.30.2/node_modules/undici/index.js',
          ),
        },
        { id: 4, callFrame: frame('run', 'file:///r/packages/core/dist/index.js') },
      ],
      startTime: 0,
      endTime: 10_000,
      samples: [2, 3, 4, 4, 4, 2],
      timeDeltas: [0, 5000, 1000, 1000, 1000, 1000],
    };
    const dir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
    const file = join(dir, 'p.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));
    const summary = summarizeProfile(file);
    expect(summary.busy_ms).toBe(4);
    expect(summary.functions[0]).toEqual({
      name: 'run packages/core/dist/index.js:10',
      self_ms: 3,
      share: 75,
    });
    expect(summary.packages).toEqual([
      { name: 'packages/core', self_ms: 3, share: 75 },
      { name: 'undici', self_ms: 1, share: 25 },
    ]);
  });
});
