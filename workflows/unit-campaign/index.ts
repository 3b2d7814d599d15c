export { unitCampaignWorkflow, type Carried } from './workflow.js';
export * from './messages.js';
