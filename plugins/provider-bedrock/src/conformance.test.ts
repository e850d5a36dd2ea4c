/** The shared provider conformance suite: the real gateway and the openai SDK against the Bedrock wire mock. */
import { describeProviderConformance } from '@switchyard/testing';
// Not yet re-exported by @switchyard/testing's index (the lead owns it): imported from its source.
import { bedrockKit } from '../../../packages/testing/src/mocks/bedrock.js';

describeProviderConformance(bedrockKit);
