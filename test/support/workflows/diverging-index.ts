// Entry point of the diverging test bundle: the unit workflow type with an extra timer on a test signal.
export { unitCampaignWorkflow } from './diverging-unit.js';
