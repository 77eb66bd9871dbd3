/** 13812341234 → 138****1234: experts and logs see enough to tell farmers apart, not to call them. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '****';
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** Mobile numbers inside a text, masked the same way (a farmer may write one into a question). */
export function maskPhonesInText(text: string): string {
  return text.replace(/(?<!\d)(?:\+?86)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g, '$1****$3');
}
