/** Regenerates plans/plan.schema.json: `npx tsx domain/plan/write-json-schema.ts`. Never imported by workflows. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { planJsonSchemaText } from './json-schema.js';

const out = fileURLToPath(new URL('../../plans/plan.schema.json', import.meta.url));
writeFileSync(out, planJsonSchemaText());
console.log(`已写入 ${out}`);
