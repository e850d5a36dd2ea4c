import { azureKit, describeProviderConformance } from '@switchyard/testing';

describeProviderConformance(azureKit);
