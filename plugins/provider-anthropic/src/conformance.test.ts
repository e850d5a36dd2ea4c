/** The shared provider conformance suite: the real gateway and the openai SDK against the Anthropic wire mock. */
import { anthropicKit, describeProviderConformance } from '@switchyard/testing';

describeProviderConformance(anthropicKit);
