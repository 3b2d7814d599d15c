// Tests use the same loopback SMTP server as the demo.
export { startMailbox, type Mailbox } from '../../toolchain/mailbox.js';
