/**
 * One demo recipient whose mailbox "does not exist": the demo's loopback mailbox answers 550 for
 * it, so the office's 通知异常 panel shows a real permanent failure to mark 已处理. The head of an
 * on-time unit (U04, 第一责任人 in examples/roster.xlsx): on time, so few mails reach the address
 * and the list stays short.
 */
export const DEMO_UNKNOWN_MAILBOX = 'head-u04@units.example.cn';
