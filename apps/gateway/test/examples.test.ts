/** Every example config in examples/ validates, so the docs never show a broken file. */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));

const configs = readdirSync(EXAMPLES, { recursive: true, encoding: 'utf8' }).filter(
  (f) => /\.ya?ml$/.test(f) && !f.includes('node_modules') && !f.includes('prometheus'),
);

it.each(configs)('examples/%s validates', (file) => {
  const r = spawnSync(process.execPath, [CLI, 'validate', file], { cwd: EXAMPLES, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});
