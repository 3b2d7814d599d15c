export { unitCampaignWorkflow } from './workflow.js';
export type { Carried } from './state.js';
export * from './messages.js';
