/** The shared provider conformance suite: the real gateway and the openai SDK against the Anthropic wire mock. */
import { fileURLToPath } from 'node:url';
import { anthropicKit, describeProviderConformance } from '@switchyard/testing';

describeProviderConformance(anthropicKit, {
  // Loaded by path: apps/gateway does not depend on this package yet, so the registry cannot import it by
  // name. Drop this override once it does, and the suite also covers `type: anthropic` resolution.
  providerExtra: { type: fileURLToPath(new URL('./index.ts', import.meta.url)) },
});
