/**
 * Every error a client sees is a short Chinese sentence naming the field; nothing internal (stack,
 * file paths, gRPC details) leaves the server. A CampaignFailure answers with its type's status and
 * code from the registry (domain/failures.ts); Fastify's own refusals of malformed requests are
 * given their type here, by error code; anything else is a plain 500.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CampaignFailure, FAILURE_TYPES, type FailureType } from '../../domain/failures.js';
import type { ErrorBody } from './wire/errors.js';

export type { ErrorBody };

/** Fastify's refusals of a request it could not read, by its error code. */
const FASTIFY_REFUSALS: Record<string, [FailureType, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    'UnsupportedMediaType',
    '不支持的请求格式（Content-Type），请用 application/json 或 multipart/form-data',
  ],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['InvalidRequest', '请求体为空，应为 JSON 对象'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['InvalidRequest', '请求体不是有效的 JSON'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['TooLarge', '请求体过大'],
  FST_REQ_FILE_TOO_LARGE: ['TooLarge', '文件过大'],
  FST_FILES_LIMIT: ['TooLarge', '一次只能上传一个文件'],
  FST_PARTS_LIMIT: ['TooLarge', '表单字段过多'],
  FST_ERR_MAX_PARAM_LENGTH: ['InvalidRequest', '路径中的编号过长：不能超过 1000 个字符'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: ['UnsupportedMediaType', '上传文件须使用 multipart/form-data'],
};

export function errorReply(
  err: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  maxUploadBytes: number,
): FastifyReply {
  const send = (status: number, body: ErrorBody) =>
    reply.status(status).type('application/json; charset=utf-8').send(body);
  const answer = (type: FailureType, message: string, problems?: string[]) =>
    send(FAILURE_TYPES[type].status, {
      error: FAILURE_TYPES[type].code,
      message,
      ...(problems ? { problems } : {}),
    });
  if (err instanceof CampaignFailure) return answer(err.type, err.message, err.problems);
  const fe = (err ?? {}) as Partial<FastifyError>;
  if (fe.statusCode === 429) return answer('RateLimited', fe.message ?? '请求过于频繁');
  const known = fe.code ? FASTIFY_REFUSALS[fe.code] : undefined;
  if (known) {
    const message =
      fe.code === 'FST_REQ_FILE_TOO_LARGE'
        ? `文件过大：不能超过 ${Math.floor(maxUploadBytes / 1024 / 1024)} MB`
        : known[1];
    return answer(known[0], message);
  }
  // The multipart reader's own errors: a header without a boundary, a body that ends mid-part.
  // A store (PostgreSQL, S3) that cannot be reached: the request may succeed in a moment, so
  // 503 (retry) rather than 500 (our fault). Recognised by error code, never by message.
  if (storeUnreachable(err)) return answer('Unavailable', '数据库或存储暂时无法连接，请稍后重试');
  const multipart = multipartRefusal(err);
  if (multipart) return answer('InvalidRequest', multipart);
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return send(fe.statusCode, { error: 'invalid_request', message: '请求无效' });
  }
  request.log.error({ err }, 'unhandled error');
  return send(500, { error: 'internal', message: '服务器内部错误，请稍后再试；如持续出现请联系活动办' });
}

/** Socket-level codes (Node) and PostgreSQL's connection-exception and shutdown SQLSTATEs. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
]);

function storeUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    // SQLSTATE class 08: connection exceptions.
    if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)))
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function multipartRefusal(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  if (/^Multipart: Boundary not found/.test(err.message))
    return '上传表单缺少 boundary：请求头应为 multipart/form-data; boundary=…（由浏览器或 HTTP 库生成）';
  const code = (err as { code?: string }).code;
  if (code === 'ERR_STREAM_PREMATURE_CLOSE' || /^Unexpected end of (form|multipart data)/.test(err.message))
    return '上传表单不完整（请求体在文件或字段中途结束），请重新上传';
  return undefined;
}
