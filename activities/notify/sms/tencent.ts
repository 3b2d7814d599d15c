import { createHash, createHmac } from 'node:crypto';
import { capParam, SmsRejectedError, type Fetch, type SmsSender } from './sms-sender.js';

/**
 * Tencent Cloud SMS SendSms, API 3.0 (version 2021-01-11), signed with TC3-HMAC-SHA256 over the
 * canonical request (POST, "/", empty query, content-type;host;x-tc-action headers, hashed body).
 */

const sha256hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();

const TENCENT_CONTENT_TYPE = 'application/json; charset=utf-8';

function tc3Authorization(o: {
  secretId: string;
  secretKey: string;
  host: string;
  action: string;
  service: string;
  timestamp: number;
  payload: string;
}): string {
  const date = new Date(o.timestamp * 1000).toISOString().slice(0, 10);
  const signedHeaders = 'content-type;host;x-tc-action';
  const canonicalHeaders = `content-type:${TENCENT_CONTENT_TYPE}\nhost:${o.host}\nx-tc-action:${o.action.toLowerCase()}\n`;
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, sha256hex(o.payload)].join(
    '\n',
  );
  const scope = `${date}/${o.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(o.timestamp), scope, sha256hex(canonicalRequest)].join(
    '\n',
  );
  const kDate = hmac(`TC3${o.secretKey}`, date);
  const kService = hmac(kDate, o.service);
  const kSigning = hmac(kService, 'tc3_request');
  const signature = createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
  return `TC3-HMAC-SHA256 Credential=${o.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

export interface TencentSmsOptions {
  endpoint: string;
  region: string;
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  signName: string;
  maxParamChars: number;
  fetch?: Fetch;
  now?: () => Date;
}

const TENCENT_TRANSIENT = [
  /^InternalError/,
  /^RequestLimitExceeded/,
  /^LimitExceeded\.(AppGlobalCountLimit|AppCountryOrRegion|DeliveryFrequencyLimit)/,
  /^ResourceUnavailable/,
];

interface TencentResponse {
  Response?: {
    Error?: { Code: string; Message: string };
    SendStatusSet?: { SerialNo: string; PhoneNumber: string; Code: string; Message: string }[];
    RequestId?: string;
  };
}

interface PullStatusResponse {
  Response?: {
    Error?: { Code: string; Message: string };
    PullSmsSendStatusSet?: {
      SerialNo?: string;
      PhoneNumber?: string;
      SessionContext?: string;
      ReportStatus?: string;
    }[];
  };
}

export function createTencentSms(o: TencentSmsOptions): SmsSender {
  const doFetch = o.fetch ?? fetch;
  const host = new URL(o.endpoint).host;
  const clock = o.now ?? (() => new Date());

  async function call<T>(
    action: string,
    body: Record<string, unknown>,
  ): Promise<{ status: number; json: T }> {
    const payload = JSON.stringify(body);
    const timestamp = Math.floor(clock().getTime() / 1000);
    const authorization = tc3Authorization({
      secretId: o.secretId,
      secretKey: o.secretKey,
      host,
      action,
      service: 'sms',
      timestamp,
      payload,
    });
    const res = await doFetch(o.endpoint, {
      method: 'POST',
      headers: {
        authorization,
        'content-type': TENCENT_CONTENT_TYPE,
        'x-tc-action': action,
        'x-tc-timestamp': String(timestamp),
        'x-tc-version': '2021-01-11',
        'x-tc-region': o.region,
      },
      body: payload,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    try {
      return { status: res.status, json: JSON.parse(text) as T };
    } catch {
      throw new Error(`tencent sms ${action}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
    }
  }

  return {
    provider: 'tencent',
    async send(mobile, content, ctx) {
      const { status: httpStatus, json } = await call<TencentResponse>('SendSms', {
        PhoneNumberSet: [`+86${mobile}`],
        SmsSdkAppId: o.sdkAppId,
        SignName: o.signName,
        TemplateId: content.tencent.templateId,
        TemplateParamSet: content.tencent.params.map((p) => capParam(p, o.maxParamChars)),
        SessionContext: ctx.outId.slice(0, 512),
      });
      const error = json.Response?.Error;
      const status = json.Response?.SendStatusSet?.[0];
      const code = error?.Code ?? status?.Code ?? `HTTP_${httpStatus}`;
      const message = error?.Message ?? status?.Message ?? '';
      if (!error && status?.Code === 'Ok') return { providerMessageId: status.SerialNo };
      if (httpStatus >= 500 || TENCENT_TRANSIENT.some((r) => r.test(code)))
        throw new Error(`tencent sms ${code}: ${message}`);
      throw new SmsRejectedError(`tencent_${code}`, `腾讯云短信拒绝发送（${code}）：${message}`);
    },

    /**
     * PullSmsSendStatusByPhoneNumber returns delivery receipts, each with the SessionContext the
     * message was sent with. A receipt proves the send; its absence proves nothing (receipts come
     * from the carrier, seconds to hours later), so "not there" is 'unknown', never 'not_found'.
     */
    async lookup(mobile, ctx) {
      const end = Math.floor(clock().getTime() / 1000);
      // The API keeps 7 days; a minute of slack for clock skew between us and the provider.
      const begin = Math.max(Math.floor(ctx.since.getTime() / 1000) - 60, end - 7 * 86_400 + 60);
      const { status, json } = await call<PullStatusResponse>('PullSmsSendStatusByPhoneNumber', {
        BeginTime: begin,
        EndTime: end,
        Offset: 0,
        Limit: 100,
        PhoneNumber: `+86${mobile}`,
        SmsSdkAppId: o.sdkAppId,
      });
      const error = json.Response?.Error;
      if (error || status >= 400)
        throw new Error(
          `tencent sms PullSmsSendStatusByPhoneNumber ${error?.Code ?? `HTTP_${status}`}: ${error?.Message ?? ''}`,
        );
      const hit = (json.Response?.PullSmsSendStatusSet ?? []).find((r) => r.SessionContext === ctx.outId);
      if (hit) return { kind: 'sent', providerMessageId: hit.SerialNo ?? '' };
      return { kind: 'unknown', reason: '腾讯云尚无该短信的回执，无法确认是否已发出' };
    },
  };
}
