export * from './conformance.js';
export * from './conformance-types.js';
export * from './mock-server.js';
export * from './mocks/anthropic.js';
export * from './mocks/bedrock.js';
export * from './mocks/gemini.js';
export * from './mocks/openai.js';
export * from './test-gateway.js';
