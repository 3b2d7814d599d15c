// Workflow bundle of the stale-clock reproduction: the naive workflow beside the real unit workflow.
export { naiveDeadlineWorkflow } from './naive-deadline.js';
export { unitCampaignWorkflow } from '../../../workflows/unit-campaign/workflow.js';
