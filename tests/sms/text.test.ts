import { describe, expect, it } from 'vitest';
import { smsEncoding, smsShape, splitParts } from '../../src/channels/sms/encoding.ts';
import { cutPoint, MORE_HINT, smsBudgetText, smsPages } from '../../src/channels/sms/pager.ts';
import { parseSmsPhone, maskPhone } from '../../src/channels/sms/phone.ts';
import { smsReply } from '../../src/channels/sms/render.ts';
import { sign, verifySignature } from '../../src/webhooks/signature.ts';
import { parseReceiptText, submitParts } from '../../src/channels/sms/smpp/codec.ts';

describe('encodings and segments', () => {
  it('chooses GSM-7 or UCS-2 per message', () => {
    expect(smsEncoding('Hello {world} €5')).toBe('gsm7');
    expect(smsEncoding('小麦')).toBe('ucs2');
    expect(smsEncoding('café')).toBe('gsm7');
    expect(smsEncoding('naïve')).toBe('ucs2');
  });

  it('counts 70 Chinese characters as one SMS and 67 per part beyond', () => {
    expect(smsShape('麦'.repeat(70))).toEqual({ encoding: 'ucs2', units: 70, segments: 1 });
    expect(smsShape('麦'.repeat(71)).segments).toBe(2);
    expect(smsShape('麦'.repeat(134)).segments).toBe(2);
    expect(smsShape('麦'.repeat(135)).segments).toBe(3);
    expect(smsShape('麦'.repeat(201)).segments).toBe(3);
    expect(smsShape('麦'.repeat(202)).segments).toBe(4);
  });

  it('counts GSM-7 at 160/153 with extension characters as two', () => {
    expect(smsShape('a'.repeat(160)).segments).toBe(1);
    expect(smsShape('a'.repeat(161)).segments).toBe(2);
    expect(smsShape('€'.repeat(80))).toMatchObject({ units: 160, segments: 1 });
    expect(smsShape('€'.repeat(81)).segments).toBe(2);
  });

  it('never splits a surrogate pair or an escape sequence between parts', () => {
    const text = `${'麦'.repeat(66)}🌾${'麦'.repeat(10)}`;
    const parts = splitParts(text);
    expect(parts[0]).toBe('麦'.repeat(66));
    expect(parts.join('')).toBe(text);
    const gsm = `${'a'.repeat(152)}€bc${'d'.repeat(10)}`;
    const gparts = splitParts(gsm);
    expect(gparts[0]).toBe('a'.repeat(152));
    expect(gparts.join('')).toBe(gsm);
  });
});

describe('paging within the budget', () => {
  it('leaves a text that fits alone', () => {
    expect(smsBudgetText('今天大蒜3.45元/斤。')).toEqual({ text: '今天大蒜3.45元/斤。' });
  });

  it('pages at a sentence, with the hint, inside three segments', () => {
    const text = '第一句话讲症状，叶片发黄。'.repeat(20);
    const { text: page, more } = smsBudgetText(text);
    expect(page.endsWith(MORE_HINT)).toBe(true);
    expect(page.length).toBeLessThanOrEqual(201);
    expect(page.replace(MORE_HINT, '').endsWith('。')).toBe(true);
    expect(page.replace(MORE_HINT, '') + more).toBe(text);
  });

  it('never cuts inside a number with its unit, a phone number or a link', () => {
    const filler = '这是一段没有标点的很长的说明文字'.repeat(11);
    for (const atom of ['3.45元/斤', '0537-8721234', 'https://nync.jining.gov.cn/zcfg/2026/1128.html', '15到20天', '40%']) {
      for (let shift = 0; shift < atom.length + 2; shift++) {
        const text = `${filler.slice(0, 190 - shift)}${atom}${filler}`;
        const at = cutPoint(text, 194);
        const start = text.indexOf(atom);
        expect(at <= start || at >= start + atom.length, `${atom} cut at ${at}`).toBe(true);
      }
    }
  });

  it('numbers pages when there is no conversation to page in', () => {
    const pages = smsPages('这一句话一共有十五个字加句号。'.repeat(30));
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((p, i) => {
      expect(p.endsWith(`（${i + 1}/${pages.length}）`)).toBe(true);
      expect(smsShape(p).segments).toBeLessThanOrEqual(3);
    });
  });
});

describe('phone numbers', () => {
  it('normalises mainland mobiles to the 11-digit key and E.164', () => {
    for (const raw of ['13800138000', '+8613800138000', '+86 138-0013-8000', '008613800138000', '8613800138000']) {
      expect(parseSmsPhone(raw)).toEqual({ ok: true, key: '13800138000', e164: '+8613800138000' });
    }
  });

  it('refuses what cannot receive an SMS', () => {
    for (const raw of ['12345', '0537-1234567', 'abc', '', undefined, 13800138000, '+86 1380013800012']) {
      expect(parseSmsPhone(raw).ok).toBe(false);
    }
  });

  it('masks for logs', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('+8613800138000')).toBe('138****8000');
  });
});

describe('signatures', () => {
  it('accepts its own signature and refuses changes, age and absence', () => {
    const body = Buffer.from('{"id":"1","text":"麦"}');
    const now = 1_800_000_000_000;
    const ts = String(now / 1000);
    const sig = sign('s3cret-s3cret-s3cret', ts, body);
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature('s3cret-s3cret-s3cret', { timestamp: ts, signature: sig }, body, 300, now)).toEqual({ ok: true });
    expect(verifySignature('s3cret-s3cret-s3cret', { timestamp: ts, signature: sig }, Buffer.from('{"id":"2"}'), 300, now).ok).toBe(false);
    expect(verifySignature('s3cret-s3cret-s3cret', { timestamp: ts, signature: sig }, body, 300, now + 301_000).ok).toBe(false);
    expect(verifySignature('s3cret-s3cret-s3cret', { timestamp: ts }, body, 300, now).ok).toBe(false);
  });
});

describe('SMPP shapes', () => {
  it('splits Chinese into UCS-2 parts of 67 with one concatenation reference', () => {
    const parts = submitParts({ id: 'a1', to: '+8613800138000', text: '麦'.repeat(150) }, '106900001234');
    expect(parts).toHaveLength(3);
    const udhs = parts.map((p) => (p.short_message as { udh: Buffer }).udh);
    expect(new Set(udhs.map((u) => u[3])).size).toBe(1);
    expect(udhs.map((u) => [u[4], u[5]])).toEqual([[3, 1], [3, 2], [3, 3]]);
    expect(parts[0]).toMatchObject({ data_coding: 8, destination_addr: '8613800138000', registered_delivery: 1 });
  });

  it('reads delivery receipt text', () => {
    expect(parseReceiptText('id:0123456789 sub:001 dlvrd:001 submit date:2611281200 done date:2611281201 stat:DELIVRD err:000 text:')).toEqual({
      id: '0123456789', stat: 'DELIVRD', err: '000',
    });
  });
});

describe('punctuation and sources in SMS texts (issue 12 item 8)', () => {
  it('keeps a full-width semicolon where a page ends just before it', () => {
    const head = '池'.repeat(70 - MORE_HINT.length);
    const text = `${head}；夜里只消耗不产氧，黎明前最低。${'塘'.repeat(80)}`;
    const paged = smsBudgetText(text, 1);
    expect(paged.more).toBeTruthy();
    const shown = `${paged.text.replace(MORE_HINT, '')}${paged.more}`;
    expect(shown).toContain('；夜里只消耗不产氧');
    expect(paged.more!.startsWith('；')).toBe(false);
    expect(smsShape(paged.text).segments).toBe(1);
    for (const page of smsPages(text, 1)) expect(/^[，、：；。！？]/.test(page)).toBe(false);
  });

  it('keeps the semicolons of a knowledge passage in the SMS reply', () => {
    const text = '池塘溶氧一天里变化很大：白天藻类光合作用产氧，下午最高；夜里只消耗不产氧，黎明前最低。';
    expect(smsReply({ text, citations: [] }, 3).text).toContain('下午最高；夜里只消耗不产氧');
  });

  it('names a price reply’s source once', () => {
    const text = '今天 金乡大蒜国际交易市场 大蒜：均价3.45元/斤。来源：演示数据。价格仅供参考，以当天市场成交为准。';
    const citation = { documentId: 'prices', title: '农产品价格', source: '演示数据', snippet: '' };
    const shown = smsReply({ text, citations: [citation] }, 3).text;
    expect(shown.match(/来源：演示数据/g)).toHaveLength(1);
    // A knowledge answer that does not name its source still gets the line.
    expect(smsReply({ text: '小麦条锈病用三唑酮防治。', citations: [{ ...citation, source: '市农技站' }] }, 3).text).toContain('（来源：市农技站）');
  });
});
