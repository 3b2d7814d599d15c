export * from './event-kinds.js';
export * from './quiet-rules.js';
export * from './quiet-hours.js';
export * from './route.js';
export * from './recipients.js';
export * from './quiet-spec.js';
