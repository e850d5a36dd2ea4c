/** The shared provider conformance suite: the real gateway and the openai SDK against the Bedrock wire mock. */
import { bedrockKit, describeProviderConformance } from '@switchyard/testing';

describeProviderConformance(bedrockKit);
