#!/usr/bin/env node
/**
 * The `switchyard` command: `serve` (the default), `validate FILE`, `schema`.
 */
import { parseArgs } from 'node:util';
import { configJsonSchema, formatProblem } from '@switchyard/config';
import { configSource, readConfig, registryFor } from './load.js';
import { builtInSchemas } from './schemas.js';
import { ConfigError, startGateway } from './server.js';

const USAGE = `usage:
  switchyard [serve] [--config FILE]   run the gateway (default: ./switchyard.yaml, else the embedded default)
  switchyard validate FILE             check a config; exit 1 listing every problem
  switchyard schema                    print the JSON Schema of the whole config`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command = 'serve', arg] = positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const cwd = process.cwd();
  if (command === 'validate') {
    const file = arg ?? values.config;
    if (!file) {
      console.error(USAGE);
      return 2;
    }
    const source = configSource(file, cwd, process.env);
    const { config, problems } = await readConfig(source, registryFor(source, cwd), process.env);
    for (const p of problems) (p.severity === 'error' ? console.error : console.warn)(formatProblem(p));
    if (!config) {
      console.error(`${source.name}: ${problems.filter((p) => p.severity === 'error').length} problem(s)`);
      return 1;
    }
    console.log(`${source.name}: valid`);
    return 0;
  }
  if (command === 'schema') {
    console.log(JSON.stringify(configJsonSchema(await builtInSchemas()), null, 2));
    return 0;
  }
  if (command !== 'serve') {
    console.error(`unknown command '${command}'\n${USAGE}`);
    return 2;
  }
  const source = configSource(values.config, cwd, process.env);
  let running: Awaited<ReturnType<typeof startGateway>>;
  try {
    running = await startGateway({ source, cwd });
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) console.error(p);
      console.error(`${source.name}: invalid config, not starting`);
      return 1;
    }
    throw err;
  }
  const stop = (signal: string) => {
    running.log.info({ signal }, 'signal received');
    void running.shutdown().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return -1; // keep running
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err) => {
    console.error(`switchyard: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
