/**
 * Every error a client sees is a short Chinese sentence naming the field; nothing internal (stack,
 * file paths, gRPC details) leaves the server. Schema errors are translated from Ajv's keywords.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { OperationError } from '../../app/unit-operations.js';
import { AccessDenied } from './access.js';
import type { ErrorBody } from './wire/errors.js';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly problems: string[] = [message],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type { ErrorBody };

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

const PLACE: Record<string, string> = { body: '', querystring: '查询参数 ', params: '路径参数 ', headers: '请求头 ' };

function fieldOf(e: AjvError): string {
  const path = e.instancePath.replace(/^\//, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.');
  if (e.keyword === 'required') return [path, String(e.params.missingProperty)].filter((x) => x !== '').join('.');
  if (e.keyword === 'additionalProperties') return [path, String(e.params.additionalProperty)].filter((x) => x !== '').join('.');
  return path === '' ? '请求' : path;
}

const TYPE_CN: Record<string, string> = { string: '文字', integer: '整数', number: '数字', boolean: '是/否', array: '列表', object: '对象' };

export function translateAjv(errors: readonly AjvError[], context: string | undefined): string[] {
  const out: string[] = [];
  for (const e of errors) {
    const field = `${PLACE[context ?? 'body'] ?? ''}${fieldOf(e)}`;
    const p = e.params;
    let why: string;
    switch (e.keyword) {
      case 'required':
        why = '必须填写';
        break;
      case 'additionalProperties':
        why = '不是可接受的字段';
        break;
      case 'type':
        why = `应为${TYPE_CN[String(p.type)] ?? String(p.type)}`;
        break;
      case 'minLength':
        why = Number(p.limit) <= 1 ? '不能为空' : `至少 ${String(p.limit)} 个字`;
        break;
      case 'maxLength':
        why = `不能超过 ${String(p.limit)} 个字`;
        break;
      case 'minItems':
        why = `至少 ${String(p.limit)} 项`;
        break;
      case 'maxItems':
        why = `不能超过 ${String(p.limit)} 项`;
        break;
      case 'minimum':
        why = `不能小于 ${String(p.limit)}`;
        break;
      case 'maximum':
        why = `不能大于 ${String(p.limit)}`;
        break;
      case 'enum':
        why = `只能是 ${(p.allowedValues as unknown[]).map(String).join('、')} 之一`;
        break;
      case 'pattern':
        why = '格式不正确';
        break;
      case 'format':
        why = `格式应为 ${String(p.format)}`;
        break;
      default:
        why = '不符合要求';
    }
    const line = `${field}：${why}`;
    if (!out.includes(line)) out.push(line);
  }
  return out;
}

const CLIENT_ERRORS: Record<string, [number, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, '不支持的请求格式（Content-Type），请用 application/json 或 multipart/form-data'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, '请求体为空，应为 JSON 对象'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, '请求体不是有效的 JSON'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, '请求体过大'],
  FST_REQ_FILE_TOO_LARGE: [413, '文件过大'],
  FST_FILES_LIMIT: [413, '一次只能上传一个文件'],
  FST_PARTS_LIMIT: [413, '表单字段过多'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: [415, '上传文件须使用 multipart/form-data'],
};

export function errorReply(err: unknown, request: FastifyRequest, reply: FastifyReply, maxUploadBytes: number): FastifyReply {
  const send = (status: number, body: ErrorBody) => reply.status(status).type('application/json; charset=utf-8').send(body);
  const fe = (err ?? {}) as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe.validation) {
    const problems = translateAjv(fe.validation, fe.validationContext);
    return send(400, { error: 'invalid_request', message: problems.join('；'), problems });
  }
  if (err instanceof AccessDenied) return send(403, { error: 'forbidden', message: err.message });
  if (err instanceof ApiError) return send(err.statusCode, { error: err.statusCode === 401 ? 'unauthorized' : err.statusCode === 404 ? 'not_found' : err.statusCode === 503 ? 'not_configured' : 'invalid_request', message: err.message, problems: err.problems });
  if (err instanceof OperationError) {
    const status = err.kind === 'invalid' ? 400 : err.kind === 'not_found' ? 404 : 503;
    return send(status, { error: err.kind === 'invalid' ? 'rejected_by_workflow' : err.kind, message: err.message, problems: err.problems });
  }
  if (fe.statusCode === 429) return send(429, { error: 'rate_limited', message: fe.message });
  const known = fe.code ? CLIENT_ERRORS[fe.code] : undefined;
  if (known) {
    const message = fe.code === 'FST_REQ_FILE_TOO_LARGE' ? `文件过大：不能超过 ${Math.floor(maxUploadBytes / 1024 / 1024)} MB` : known[1];
    return send(known[0], { error: 'invalid_request', message });
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return send(fe.statusCode, { error: 'invalid_request', message: '请求无效' });
  }
  request.log.error({ err }, 'unhandled error');
  return send(500, { error: 'internal', message: '服务器内部错误，请稍后再试；如持续出现请联系活动办' });
}
