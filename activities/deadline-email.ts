import type { Transporter } from 'nodemailer';
import { ApplicationFailure } from '@temporalio/common';

export interface DeadlineEmailInput {
  /** Deterministic id from the workflow; becomes the Message-ID so a retry is recognisable. */
  notificationId: string;
  kind: 'reminder' | 'escalation';
  to: { name: string; email: string }[];
  cc?: { name: string; email: string }[];
  unitName: string;
  taskTitle: string;
  /** ISO instant of the deadline. */
  dueAt: string;
  timeZone: string;
}

export interface DeadlineEmailDeps {
  transport: Transporter;
  from: string;
  replyTo?: string;
}

/**
 * The thin slice's email activity: renders a short Chinese reminder or escalation from small
 * inputs and sends it over SMTP. The notifications issue replaces this with templated,
 * multi-channel delivery backed by a delivery log.
 */
export function createDeadlineEmailActivities(deps: DeadlineEmailDeps) {
  return {
    async sendDeadlineEmail(input: DeadlineEmailInput): Promise<{ messageId: string }> {
      if (input.to.length === 0) {
        throw ApplicationFailure.nonRetryable(`通知 ${input.notificationId} 没有收件人`, 'NoRecipient');
      }
      const due = formatDue(input.dueAt, input.timeZone);
      const { subject, text } =
        input.kind === 'reminder'
          ? {
              subject: `【提醒】${input.unitName}「${input.taskTitle}」将于 ${due} 到期`,
              text: `${input.unitName}：\n\n「${input.taskTitle}」的截止时间是 ${due}，请按时提交。\n\n学习实践活动办公室`,
            }
          : {
              subject: `【催办】${input.unitName}「${input.taskTitle}」已逾期`,
              text: `${input.unitName}：\n\n「${input.taskTitle}」已于 ${due} 到期，至今尚未提交，请尽快办理。\n\n学习实践活动办公室`,
            };
      const messageId = `<${encodeURIComponent(input.notificationId)}@campaign-orchestrator>`;
      await deps.transport.sendMail({
        from: deps.from,
        replyTo: deps.replyTo,
        to: input.to.map((r) => ({ name: r.name, address: r.email })),
        cc: input.cc?.map((r) => ({ name: r.name, address: r.email })),
        subject,
        text,
        messageId,
      });
      return { messageId };
    },
  };
}

function formatDue(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}
