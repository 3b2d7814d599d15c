import { aliyunSendDate } from '../../../../activities/notify/sms/aliyun.js';
import { startHttpReceiver, type HttpReceiver } from './http-receiver.js';
import { aliyunCheck } from './provider-checks.js';

export interface StoredSms {
  phone: string;
  outId: string;
  day: string;
  bizId: string;
}

export interface AliyunStandIn {
  receiver: HttpReceiver;
  /** What SendSms accepted (plus any seeded messages), in order. */
  stored: StoredSms[];
  /** The signed SendSms requests received. */
  sends(): Record<string, string>[];
  /** The signed QuerySendDetails requests received. */
  queries(): Record<string, string>[];
}

/**
 * Aliyun dysmsapi stand-in: checks every request's signature, keeps what SendSms accepted, and
 * answers QuerySendDetails from it (paged, per number and Beijing day), as the real API does.
 * `otherMessagesToday` seeds unrelated messages to `seedPhone`, so a lookup has to page.
 */
export async function startAliyunStandIn(opts: {
  secret: string;
  now?: () => Date;
  otherMessagesToday?: number;
  seedPhone?: string;
}): Promise<AliyunStandIn> {
  const now = opts.now ?? (() => new Date());
  const stored: StoredSms[] = [];
  for (let i = 0; i < (opts.otherMessagesToday ?? 0); i += 1) {
    stored.push({
      phone: opts.seedPhone ?? '',
      outId: `other-${i}`,
      day: aliyunSendDate(now()),
      bizId: `b-other-${i}`,
    });
  }
  const receiver = await startHttpReceiver((req) => {
    const p = aliyunCheck(req, opts.secret);
    if (!p) return { status: 400, json: { Code: 'SignatureDoesNotMatch', Message: 'bad sign' } };
    if (p.Action === 'SendSms') {
      const bizId = `biz-${stored.length + 1}`;
      stored.push({ phone: p.PhoneNumbers ?? '', outId: p.OutId ?? '', day: aliyunSendDate(now()), bizId });
      return { json: { Code: 'OK', Message: 'OK', BizId: bizId, RequestId: 'r' } };
    }
    if (p.Action === 'QuerySendDetails') {
      if (!p.PhoneNumber || !/^\d{8}$/.test(p.SendDate ?? '') || !p.PageSize || !p.CurrentPage)
        return { json: { Code: 'isv.InvalidParameters', Message: 'missing' } };
      const size = Number(p.PageSize);
      if (size < 1 || size > 50) return { json: { Code: 'isv.InvalidParameters', Message: 'PageSize' } };
      const all = stored.filter((s) => s.phone === p.PhoneNumber && s.day === p.SendDate);
      const page = all.slice((Number(p.CurrentPage) - 1) * size, Number(p.CurrentPage) * size);
      return {
        json: {
          Code: 'OK',
          Message: 'OK',
          TotalCount: all.length,
          SmsSendDetailDTOs: {
            SmsSendDetailDTO: page.map((s) => ({
              PhoneNum: s.phone,
              OutId: s.outId,
              SendStatus: 1,
              TemplateCode: 'SMS_X',
              SendDate: '2009-12-09 10:00:00',
            })),
          },
        },
      };
    }
    return { status: 400, json: { Code: 'InvalidAction', Message: p.Action } };
  });
  const signed = (action: string) =>
    receiver
      .requests()
      .map((r) => aliyunCheck(r, opts.secret))
      .filter((p): p is Record<string, string> => p?.Action === action);
  return { receiver, stored, sends: () => signed('SendSms'), queries: () => signed('QuerySendDetails') };
}
