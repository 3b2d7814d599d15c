// The interface tests' workflow bundle: the project's workflows plus the digest workflow, so the
// tests do not depend on when workflows/index.ts starts exporting it.
export * from '../../../workflows/index.js';
export { campaignDigestWorkflow } from '../../../workflows/digest/workflow.js';
