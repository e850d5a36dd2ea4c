/** The shared provider conformance suite: the real gateway and the openai SDK against the Gemini wire mock. */
import { describeProviderConformance, geminiKit } from '@switchyard/testing';

describeProviderConformance(geminiKit);
