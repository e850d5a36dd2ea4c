/**
 * The parts of the Bedrock Converse wire format (botocore `bedrock-runtime` 2023-09-30) this provider
 * writes and reads. Content blocks are one-key unions (`{text}`, `{toolUse}`), never `type`-tagged.
 */

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

export interface ReasoningContent {
  reasoningText?: { text: string; signature?: string };
  /** Base64 of the encrypted reasoning the model chose not to show. */
  redactedContent?: string;
}

export interface ToolUse {
  toolUseId: string;
  name: string;
  input: unknown;
}

export type ToolResultContent = Pick<ContentBlock, 'text' | 'image'> | { json: unknown };

export interface ContentBlock {
  text?: string;
  image?: { format: ImageFormat; source: { bytes: string } };
  toolUse?: ToolUse;
  toolResult?: { toolUseId: string; content: ToolResultContent[]; status?: 'success' | 'error' };
  reasoningContent?: ReasoningContent;
}

export interface Message {
  role: 'user' | 'assistant';
  content: ContentBlock[];
}

export interface ToolSpec {
  name: string;
  description?: string;
  inputSchema: { json: unknown };
}

export type ToolChoice =
  | { auto: Record<string, never> }
  | { any: Record<string, never> }
  | { tool: { name: string } };

export interface ConverseRequest {
  messages: Message[];
  system?: Array<{ text: string }>;
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  toolConfig?: { tools: Array<{ toolSpec: ToolSpec }>; toolChoice?: ToolChoice };
  additionalModelRequestFields?: Record<string, unknown>;
}

export interface ConverseUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

export interface ConverseResponse {
  output?: { message?: { role: string; content?: ContentBlock[] } };
  stopReason?: string;
  usage?: ConverseUsage;
}
