import { describe, expect, it } from 'vitest';
import type { DeliveryReport, DeliveryResult } from '../../../activities/notify/types.js';
import {
  problemNote,
  problemNotes,
  reachedAnyone,
  recipientLabel,
} from '../../../workflows/unit-campaign/delivery-problems.js';

const result = (over: Partial<DeliveryResult>): DeliveryResult => ({
  deliveryKey: 'k',
  channel: 'email',
  role: 'liaison',
  name: '张明',
  outcome: 'sent',
  ...over,
});

describe('delivery problems as timeline notes', () => {
  it('a failure names channel, role, person and the reason, without the event (so repeats read alike)', () => {
    const n = problemNote(
      'reminder',
      result({ channel: 'sms', outcome: 'failed', reason: '手机号码不是有效的大陆手机号：1234' }),
    );
    expect(n).toEqual({
      kind: 'notify_failed',
      text: '短信未送达：联络员 张明 — 手机号码不是有效的大陆手机号：1234',
    });
    expect(
      problemNote(
        'urge',
        result({ channel: 'sms', outcome: 'failed', reason: '手机号码不是有效的大陆手机号：1234' }),
      ),
    ).toEqual(n);
  });

  it('an uncertain delivery names the event and asks to check, once', () => {
    const asks = problemNote(
      'urge',
      result({
        role: 'head',
        outcome: 'uncertain',
        reason: '邮件发送过程中工作进程中断，无法确认对方是否已收到；请与张明核实，未收到的请人工补发。',
      }),
    );
    expect(asks?.kind).toBe('notify_uncertain');
    expect(asks?.text).toBe(
      '邮件发送结果未知（催办）：第一责任人 张明 — 邮件发送过程中工作进程中断，无法确认对方是否已收到；请与张明核实，未收到的请人工补发',
    );
    const bare = problemNote(
      'reminder',
      result({
        channel: 'dingtalk',
        role: 'group_robot',
        name: '区第三指导检查组',
        outcome: 'uncertain',
        reason: '发送中断',
      }),
    );
    expect(bare?.text).toBe('钉钉发送结果未知（到期提醒）：指导组工作群 区第三指导检查组 — 发送中断，请核实');
  });

  it('long provider messages are clipped; sent, deferred and no-contact deliveries are not problems', () => {
    const long = problemNote('reminder', result({ outcome: 'failed', reason: `550 ${'x'.repeat(500)}` }));
    expect(long!.text.length).toBeLessThan(160);
    expect(long!.text.endsWith('…')).toBe(true);
    for (const outcome of ['sent', 'already_sent', 'deferred', 'no_contact'] as const)
      expect(problemNote('reminder', result({ outcome }))).toBeUndefined();
  });

  it('one note per distinct fault in a report; a notification reached someone only if a delivery was sent', () => {
    const report: DeliveryReport = {
      notificationId: 'campaign/c/unit/u/kickoff',
      results: [
        result({ outcome: 'failed', reason: '邮箱地址格式不正确：x' }),
        result({ deliveryKey: 'k2', outcome: 'failed', reason: '邮箱地址格式不正确：x' }),
        result({ role: 'head', name: '李书记', outcome: 'no_contact' }),
      ],
    };
    expect(problemNotes('kickoff', report)).toHaveLength(1);
    expect(reachedAnyone(report)).toBe(false);
    expect(
      reachedAnyone({
        ...report,
        results: [...report.results, result({ role: 'head', outcome: 'already_sent' })],
      }),
    ).toBe(true);
    expect(recipientLabel('someone_new', '王五')).toBe('王五');
  });
});
