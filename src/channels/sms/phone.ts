// SMS numbers are read and masked by the one phone module; re-exported for the SMS channel's callers.
export { maskPhone, parseSmsPhone, type SmsPhone } from '../../privacy/phone.ts';
