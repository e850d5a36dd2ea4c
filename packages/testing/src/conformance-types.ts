/**
 * What a provider's wire-format mock offers the provider conformance kit (./conformance.ts).
 * One kit per provider type: it builds the provider block pointing at the mock, scripts replies in the
 * provider's own wire format (JSON or stream, decided by the request it answers), and reads back
 * what the gateway sent upstream in neutral terms.
 */
import type { MockHandler, MockRequest } from './mock-server.js';

export interface TokenUsage {
  input: number;
  output: number;
  /** Prompt tokens served from the provider's cache, when it reports them. */
  cached?: number;
}

export type ErrorKind = 'bad_request' | 'authentication' | 'rate_limit' | 'server' | 'overloaded';

export interface UpstreamView {
  model: string;
  stream: boolean;
  system?: string;
  /** Conversation turns sent (system prompt excluded). */
  messages: number;
  tools: string[];
  hasImage: boolean;
  jsonSchema: boolean;
}

export interface ProviderWireKit {
  /** `providers.*.type` */
  type: string;
  /** The YAML provider block (minus `type`) that points the provider at the mock. */
  providerConfig(mockUrl: string): Record<string, unknown>;
  /** A model name the provider accepts. */
  model: string;
  text(text: string, usage: TokenUsage, finish?: 'stop' | 'length'): MockHandler;
  toolCalls(
    calls: Array<{ name: string; arguments: Record<string, unknown> }>,
    usage: TokenUsage,
  ): MockHandler;
  error(kind: ErrorKind, options?: { retryAfterS?: number; message?: string }): MockHandler;
  /** What the gateway sent upstream, in neutral terms. */
  inspect(call: MockRequest): UpstreamView;
  /** Is this an upstream request for a stream? */
  isStream(call: MockRequest): boolean;
}
