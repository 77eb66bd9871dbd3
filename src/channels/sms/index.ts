// The SMS channel: gateways (http, smpp, console), the inbox and outbox in PostgreSQL, paging and encodings.
export { enqueueSms, smsBudgetText, SmsInputError, type OutgoingSms, type SmsKind } from './outbox.ts';
export { smsRoutes } from './routes.ts';
export { smsOutboxSource, startSms, type SmsService } from './service.ts';
export { parseSmsPhone, maskPhone } from './phone.ts';
