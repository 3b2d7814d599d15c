/**
 * Bodies of POST …/units/:unitId/<operation> (and of the batch routes' `request`): each is its
 * Update's payload schema (workflows/unit-campaign/messages.ts) without the acting person, who
 * comes from the token. The server validates with these schemas, OpenAPI shows them, the console
 * types its calls with OperationBodies. Every operation answers with the unit's full status.
 */
import type { z } from 'zod';
import { OPERATIONS, UNIT_OPERATIONS, type Operation } from '../../../workflows/unit-campaign/messages.js';

export type BodyOperation = Operation;

type Ops = typeof UNIT_OPERATIONS;
type Payload<Op extends Operation> = z.input<Ops[Op]['request']>;
/** Files may be left out of a submission through the API (the server sends an empty list). */
type ApiOptional<Op extends Operation> = Op extends 'submit' ? 'fileRefs' : never;

/** What a client sends for each operation. */
export type OperationBodies = {
  [Op in Operation]: Omit<Payload<Op>, Ops[Op]['actor'] | ApiOptional<Op>> &
    Partial<Pick<Payload<Op>, ApiOptional<Op> & keyof Payload<Op>>>;
};

function bodyOf(op: Operation): z.ZodObject {
  const { request, actor } = UNIT_OPERATIONS[op];
  // Typed loosely here: OperationBodies above says what each one is.
  const loose = request as unknown as z.ZodObject<Record<string, z.ZodType>, z.core.$strict>;
  const body = loose.omit({ [actor]: true } as never);
  return (op === 'submit' ? body.partial({ fileRefs: true } as never) : body).describe(
    UNIT_OPERATIONS[op].summary,
  );
}

export const OPERATION_BODIES = Object.fromEntries(OPERATIONS.map((op) => [op, bodyOf(op)])) as Record<
  Operation,
  z.ZodObject
>;
