// Entry point of the workflow bundle: every workflow the worker runs is exported here.
export { unitCampaignWorkflow } from './unit-campaign/workflow.js';
export { campaignDigestWorkflow } from './digest/workflow.js';
