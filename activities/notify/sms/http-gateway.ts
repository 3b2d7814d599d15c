import { fitSms, SmsRejectedError, type Fetch, type SmsSender } from './sms-sender.js';

/**
 * A generic carrier gateway: POST {mobile, content, outId} as JSON with a bearer token; 2xx with
 * {ok:true,id} is accepted, 4xx is a rejection of this message, anything else is retried.
 */
export interface HttpSmsOptions {
  url: string;
  token?: string;
  maxSegments: number;
  /**
   * The gateway drops a second request carrying an Idempotency-Key it has already accepted
   * (SMS_HTTP_DEDUPLICATES): then a message whose first attempt died mid-way is simply resent.
   */
  deduplicates?: boolean;
  fetch?: Fetch;
}

export function createHttpGatewaySms(o: HttpSmsOptions): SmsSender {
  const doFetch = o.fetch ?? fetch;
  return {
    provider: 'http',
    deduplicates: o.deduplicates ?? false,
    async send(mobile, content, ctx) {
      const res = await doFetch(o.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'idempotency-key': ctx.outId,
          ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
        },
        body: JSON.stringify({ mobile, content: fitSms(content.text, o.maxSegments), outId: ctx.outId }),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      let json: { ok?: boolean; id?: string; code?: string; message?: string } = {};
      try {
        json = JSON.parse(text) as typeof json;
      } catch {
        /* some gateways answer plain text; the status decides */
      }
      if (res.ok && json.ok !== false) return { providerMessageId: json.id ?? '' };
      if (res.status >= 400 && res.status < 500 && res.status !== 429 && res.status !== 408) {
        throw new SmsRejectedError(
          `http_${json.code ?? res.status}`,
          `短信网关拒绝发送（${json.code ?? res.status}）：${json.message ?? text.slice(0, 200)}`,
        );
      }
      throw new Error(`sms gateway HTTP ${res.status}: ${text.slice(0, 200)}`);
    },
  };
}
