import { createHmac, randomUUID } from 'node:crypto';
import { capParam, SmsRejectedError, type Fetch, type SmsSender } from './sms-sender.js';

/**
 * Aliyun dysmsapi SendSms (API version 2017-05-25) over its RPC-style HTTP API with signature
 * version 1.0: HMAC-SHA1 over "POST&%2F&" + percentEncode(canonicalised query), key secret + "&".
 */

/** RFC 3986 encoding as Aliyun's signature requires: only A-Z a-z 0-9 - _ . ~ stay as they are. */
function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function aliyunSignature(params: Record<string, string>, accessKeySecret: string, method = 'POST'): string {
  const canonical = Object.keys(params)
    .sort()
    .map((k) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(params[k] ?? '')}`)
    .join('&');
  const stringToSign = `${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(canonical)}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign).digest('base64');
}

export interface AliyunSmsOptions {
  endpoint: string;
  regionId: string;
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  maxParamChars: number;
  fetch?: Fetch;
  now?: () => Date;
  nonce?: () => string;
}

/** Codes that say "slow down / try later"; every other non-OK code is a rejection of this message. */
const ALIYUN_TRANSIENT = [
  /^Throttling/,
  /^isv\.BUSINESS_LIMIT_CONTROL$/,
  /^ServiceUnavailable/,
  /^InternalError/,
  /^isp\./,
];

/** SendDate for QuerySendDetails is the provider's (Beijing) calendar day, yyyyMMdd. */
export function aliyunSendDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

interface AliyunReply {
  Code?: string;
  Message?: string;
  BizId?: string;
  RequestId?: string;
  TotalCount?: number;
  SmsSendDetailDTOs?: {
    SmsSendDetailDTO?: { PhoneNum?: string; OutId?: string; SendStatus?: number; SendDate?: string }[];
  };
}

/** QuerySendDetails pages hold at most 50 records; a reminder campaign sends a number a few a day. */
const LOOKUP_PAGE_SIZE = 50;
const LOOKUP_MAX_PAGES = 20;

export function createAliyunSms(o: AliyunSmsOptions): SmsSender {
  const doFetch = o.fetch ?? fetch;
  const clock = o.now ?? (() => new Date());

  async function call(
    action: string,
    actionParams: Record<string, string>,
  ): Promise<{ status: number; json: AliyunReply }> {
    const params: Record<string, string> = {
      AccessKeyId: o.accessKeyId,
      Action: action,
      Format: 'JSON',
      RegionId: o.regionId,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: (o.nonce ?? randomUUID)(),
      SignatureVersion: '1.0',
      Timestamp: clock()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      Version: '2017-05-25',
      ...actionParams,
    };
    params.Signature = aliyunSignature(params, o.accessKeySecret, 'POST');
    const body = Object.entries(params)
      .map(([k, v]) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(v)}`)
      .join('&');
    const res = await doFetch(o.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        accept: 'application/json',
      },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    try {
      return { status: res.status, json: JSON.parse(text) as AliyunReply };
    } catch {
      throw new Error(`aliyun sms ${action}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
    }
  }

  return {
    provider: 'aliyun',
    async send(mobile, content, ctx) {
      const templateParam = Object.fromEntries(
        Object.entries(content.aliyun.params).map(([k, v]) => [k, capParam(v, o.maxParamChars)]),
      );
      const { status, json } = await call('SendSms', {
        OutId: ctx.outId.slice(0, 256),
        PhoneNumbers: mobile,
        SignName: o.signName,
        TemplateCode: content.aliyun.templateCode,
        TemplateParam: JSON.stringify(templateParam),
      });
      if (json.Code === 'OK') return { providerMessageId: json.BizId ?? json.RequestId ?? '' };
      const code = json.Code ?? `HTTP_${status}`;
      if (status >= 500 || ALIYUN_TRANSIENT.some((r) => r.test(code)))
        throw new Error(`aliyun sms ${code}: ${json.Message ?? ''}`);
      throw new SmsRejectedError(`aliyun_${code}`, `阿里云短信拒绝发送（${code}）：${json.Message ?? ''}`);
    },

    /**
     * QuerySendDetails lists every message sent to the number on a (Beijing) day, each with the
     * OutId it was sent with, from the moment SendSms accepted it ("等待回执"). So a dead attempt's
     * message is either in the list or was never accepted.
     */
    async lookup(mobile, ctx) {
      // Every Beijing day from the dead attempt's claim to now (the provider keeps 30 days).
      const end = clock().getTime();
      const days: string[] = [];
      for (let t = Math.max(ctx.since.getTime(), end - 29 * 86_400_000); ; t += 86_400_000) {
        const day = aliyunSendDate(new Date(Math.min(t, end)));
        if (!days.includes(day)) days.push(day);
        if (t >= end) break;
      }
      for (const day of days) {
        for (let page = 1; page <= LOOKUP_MAX_PAGES; page += 1) {
          const { status, json } = await call('QuerySendDetails', {
            CurrentPage: String(page),
            PageSize: String(LOOKUP_PAGE_SIZE),
            PhoneNumber: mobile,
            SendDate: day,
          });
          if (json.Code !== 'OK')
            throw new Error(
              `aliyun sms QuerySendDetails ${json.Code ?? `HTTP_${status}`}: ${json.Message ?? ''}`,
            );
          const records = json.SmsSendDetailDTOs?.SmsSendDetailDTO ?? [];
          if (records.some((r) => r.OutId === ctx.outId)) return { kind: 'sent', providerMessageId: '' };
          if (page * LOOKUP_PAGE_SIZE >= (json.TotalCount ?? 0) || records.length === 0) break;
          if (page === LOOKUP_MAX_PAGES)
            return {
              kind: 'unknown',
              reason: `阿里云该号码当日记录超过 ${LOOKUP_MAX_PAGES * LOOKUP_PAGE_SIZE} 条，未能查完`,
            };
        }
      }
      return { kind: 'not_found' };
    },
  };
}
