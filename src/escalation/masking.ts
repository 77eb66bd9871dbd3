// Expert views show masked numbers: the one phone module and the PII masker do it for every form.
export { maskPhone } from '../privacy/phone.ts';
export { maskPii as maskPhonesInText } from '../privacy/pii.ts';
