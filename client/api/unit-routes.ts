/**
 * The routes about one unit: its status, the operations the office, its 指导组 and the unit itself
 * send to its workflow (as Updates, the acting person from the token), the upload of a material
 * file, and the office's batch form of the operations that have one.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import type { z } from 'zod';
import { runBatch } from '../../app/batch.js';
import type { CampaignServices } from '../../app/services.js';
import {
  OPERATIONS,
  runOperation,
  unitStatus,
  type Operation,
  type OperationRequests,
} from '../../app/unit-operations.js';
import { InvalidRequest, Rejected, UnsupportedMediaType } from '../../domain/failures.js';
import { UNIT_OPERATIONS, type UnitCampaignStatus } from '../../workflows/unit-campaign/messages.js';
import { requireCampaign, requireRole, requireUnitAccess } from './access.js';
import {
  OPERATION_BODIES,
  batchBody,
  campaignParams,
  errorSchema,
  unitParams,
  type batchFilter,
} from './route-schemas.js';
import type { Principal, TokenStore } from './tokens.js';
import type { UploadRecords } from './upload-records.js';
import { checkFileType, type UploadStore } from './uploads.js';
import type { OperationBodies } from './wire/unit-operations.js';
import type { UploadReply } from './wire/uploads.js';

export interface UnitRouteOptions {
  svc: CampaignServices;
  store: TokenStore;
  uploads: UploadStore;
  uploadRecords: UploadRecords | undefined;
  principalOf: (request: FastifyRequest) => Principal;
  maxUploadBytes: number;
  now: () => number;
}

/** The Update request for an operation: the (already checked) body plus the acting person from the token. */
function workflowRequest<Op extends Operation>(
  op: Op,
  body: OperationBodies[Op],
  p: Principal,
): OperationRequests[Op] {
  const request = { ...body, [UNIT_OPERATIONS[op].actor]: p.personId };
  return (op === 'submit' ? { fileRefs: [], ...request } : request) as OperationRequests[Op];
}

const responses = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
  429: errorSchema,
};

export function registerUnitRoutes(app: FastifyInstance, o: UnitRouteOptions): void {
  const { svc, store, principalOf, maxUploadBytes, now } = o;
  app.get<{ Params: { campaignId: string; unitId: string }; Reply: UnitCampaignStatus }>(
    '/api/campaigns/:campaignId/units/:unitId',
    {
      schema: {
        summary: '单位的完整进度（阶段、事项、督办、测评、记录）',
        tags: ['单位'],
        params: unitParams,
        response: responses,
      },
    },
    async (request) => {
      const p = principalOf(request);
      requireCampaign(p, request.params.campaignId);
      requireUnitAccess(p, 'view', request.params.unitId, store);
      return unitStatus(svc, p.campaignId, request.params.unitId);
    },
  );

  for (const op of OPERATIONS) {
    const { path, summary } = UNIT_OPERATIONS[op];
    app.post<{
      Params: { campaignId: string; unitId: string };
      Body: OperationBodies[typeof op];
      Reply: UnitCampaignStatus;
    }>(
      `/api/campaigns/:campaignId/units/:unitId/${path}`,
      {
        schema: {
          summary,
          tags: ['单位'],
          params: unitParams,
          body: OPERATION_BODIES[op],
          response: responses,
        },
      },
      async (request) => {
        const p = principalOf(request);
        requireCampaign(p, request.params.campaignId);
        const unitId = request.params.unitId;
        requireUnitAccess(p, op, unitId, store);
        const body = request.body as Record<string, unknown>;
        if (op === 'submit') await checkRefsStored(body.fileRefs as string[] | undefined);
        if (op === 'extend' && p.role === 'group')
          await checkGroupExtension(unitId, body as OperationBodies['extend']);
        return runOperation(svc, p.campaignId, unitId, op, workflowRequest(op, request.body, p));
      },
    );
  }

  async function checkRefsStored(refs: string[] | undefined): Promise<void> {
    const problems: string[] = [];
    for (const [i, ref] of (refs ?? []).entries())
      if (!(await o.uploads.has(ref))) problems.push(`fileRefs[${i}]：文件「${ref}」未上传，请先上传再报送`);
    if (problems.length > 0) throw new InvalidRequest(problems.join('；'), problems);
  }

  /** The plan has no extension limit of its own; a 指导组 may extend only within the task's stage. */
  async function checkGroupExtension(unitId: string, body: OperationBodies['extend']): Promise<void> {
    const s = await unitStatus(svc, store.campaignId, unitId);
    const task = s.tasks.find((t) => t.taskId === body.taskId);
    const stage = task && s.stages.find((x) => x.stageId === task.stageId);
    if (!stage) return; // the workflow names the unknown task
    const newDue = body.newDue;
    const stageDue = DateTime.fromISO(stage.dueAt, { zone: 'Asia/Shanghai' });
    const beyond = /^\d{4}-\d{2}-\d{2}$/.test(newDue)
      ? newDue > (stageDue.toISODate() ?? '')
      : Date.parse(newDue) > stageDue.toMillis();
    if (beyond) {
      throw new Rejected(
        `newDue：指导组只能在本阶段「${stage.title}」截止（${stageDue.toFormat('yyyy-MM-dd HH:mm')}）之前延期；更长的延期请报活动办`,
      );
    }
  }

  app.post<{ Params: { campaignId: string; unitId: string }; Reply: UploadReply }>(
    '/api/campaigns/:campaignId/units/:unitId/files',
    {
      schema: {
        summary: `上传一个材料文件（multipart/form-data，字段 file），返回引用 sha256:…；报送时在 fileRefs 中引用`,
        tags: ['单位'],
        params: unitParams,
        consumes: ['multipart/form-data'],
        response: {
          200: {
            type: 'object',
            properties: {
              ref: { type: 'string' },
              size: { type: 'integer' },
              filename: { type: 'string' },
              existed: { type: 'boolean' },
            },
          },
          ...responses,
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      requireCampaign(p, request.params.campaignId);
      requireUnitAccess(p, 'upload', request.params.unitId, store);
      if (!request.isMultipart())
        throw new UnsupportedMediaType('上传文件须使用 multipart/form-data，文件放在字段 file 中');
      // Every part is read, and a second file is refused by name rather than dropped in silence.
      let part: { fieldname: string; filename: string } | undefined;
      let bytes: Buffer = Buffer.alloc(0);
      for await (const x of request.parts({
        limits: { fileSize: maxUploadBytes, files: 2, fields: 5, parts: 7 },
      })) {
        if (x.type !== 'file') continue;
        if (part) {
          x.file.resume();
          throw new InvalidRequest(
            `${x.fieldname}：一次只能上传一个文件（「${part.filename}」之后又收到「${x.filename}」），请逐个上传`,
          );
        }
        if (x.fieldname !== 'file')
          throw new InvalidRequest(`file：文件应放在字段 file 中（收到的是「${x.fieldname}」）`);
        part = { fieldname: x.fieldname, filename: x.filename };
        bytes = await x.toBuffer();
      }
      if (!part) throw new InvalidRequest('file：没有收到文件');
      if (bytes.length === 0) throw new InvalidRequest(`file：文件「${part.filename}」是空文件`);
      const bad = checkFileType(part.filename, bytes.subarray(0, 8));
      if (bad) throw new UnsupportedMediaType(`file：${bad}`);
      const stored = await o.uploads.put(bytes);
      await o.uploadRecords?.record({
        campaignId: p.campaignId,
        unitId: request.params.unitId,
        ref: stored.ref,
        filename: part.filename,
        size: stored.size,
        uploadedBy: p.personId,
        uploadedAt: new Date(now()).toISOString(),
      });
      return { ...stored, filename: part.filename };
    },
  );

  for (const op of OPERATIONS.filter((x) => UNIT_OPERATIONS[x].batch)) {
    const { path, summary } = UNIT_OPERATIONS[op];
    app.post<{
      Params: { campaignId: string };
      Body: { filter: z.output<typeof batchFilter>; request: OperationBodies[typeof op] };
    }>(
      `/api/campaigns/:campaignId/batch/${path}`,
      {
        schema: {
          summary: `批量${summary}（按筛选条件找出单位，逐个发送，报告每个单位的结果）`,
          tags: ['批量'],
          params: campaignParams,
          body: batchBody(op),
          response: responses,
        },
      },
      async (request) => {
        const p = principalOf(request);
        requireCampaign(p, request.params.campaignId);
        requireRole(p, 'batch');
        const { filter, request: body } = request.body;
        return runBatch(svc, { campaignId: p.campaignId, ...filter }, op, () => workflowRequest(op, body, p));
      },
    );
  }
}
