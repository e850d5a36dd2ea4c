import { describeProviderConformance, openaiKit } from '@switchyard/testing';

describeProviderConformance(openaiKit);
