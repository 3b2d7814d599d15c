import { createHmac, randomUUID } from 'node:crypto';
import { capParam, SmsRejectedError, type Fetch, type SmsSender } from './sms-sender.js';

/**
 * Aliyun dysmsapi SendSms (API version 2017-05-25) over its RPC-style HTTP API with signature
 * version 1.0: HMAC-SHA1 over "POST&%2F&" + percentEncode(canonicalised query), key secret + "&".
 */

/** RFC 3986 encoding as Aliyun's signature requires: only A-Z a-z 0-9 - _ . ~ stay as they are. */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function aliyunSignature(params: Record<string, string>, accessKeySecret: string, method = 'POST'): string {
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
const ALIYUN_TRANSIENT = [/^Throttling/, /^isv\.BUSINESS_LIMIT_CONTROL$/, /^ServiceUnavailable/, /^InternalError/, /^isp\./];

export function createAliyunSms(o: AliyunSmsOptions): SmsSender {
  const doFetch = o.fetch ?? fetch;
  return {
    provider: 'aliyun',
    async send(mobile, content, ctx) {
      const templateParam = Object.fromEntries(
        Object.entries(content.aliyun.params).map(([k, v]) => [k, capParam(v, o.maxParamChars)]),
      );
      const params: Record<string, string> = {
        AccessKeyId: o.accessKeyId,
        Action: 'SendSms',
        Format: 'JSON',
        OutId: ctx.outId.slice(0, 256),
        PhoneNumbers: mobile,
        RegionId: o.regionId,
        SignName: o.signName,
        SignatureMethod: 'HMAC-SHA1',
        SignatureNonce: (o.nonce ?? randomUUID)(),
        SignatureVersion: '1.0',
        TemplateCode: content.aliyun.templateCode,
        TemplateParam: JSON.stringify(templateParam),
        Timestamp: (o.now ?? (() => new Date()))().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        Version: '2017-05-25',
      };
      params.Signature = aliyunSignature(params, o.accessKeySecret, 'POST');
      const body = Object.entries(params)
        .map(([k, v]) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(v)}`)
        .join('&');
      const res = await doFetch(o.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      let json: { Code?: string; Message?: string; BizId?: string; RequestId?: string };
      try {
        json = JSON.parse(text) as typeof json;
      } catch {
        throw new Error(`aliyun sms: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
      }
      if (json.Code === 'OK') return { providerMessageId: json.BizId ?? json.RequestId ?? '' };
      const code = json.Code ?? `HTTP_${res.status}`;
      if (res.status >= 500 || ALIYUN_TRANSIENT.some((r) => r.test(code))) throw new Error(`aliyun sms ${code}: ${json.Message ?? ''}`);
      throw new SmsRejectedError(`aliyun_${code}`, `阿里云短信拒绝发送（${code}）：${json.Message ?? ''}`);
    },
  };
}
