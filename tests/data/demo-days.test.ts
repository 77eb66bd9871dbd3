import { describe, it, expect } from 'vitest';
import { daysSince, shiftDateText, shiftRecords } from '../../src/data/demo-days.ts';

describe('demo days', () => {
  it('counts whole days in China time from the reference day', () => {
    expect(daysSince('2026-11-28', new Date('2026-11-28T04:00:00Z'))).toBe(0);
    // 2026-11-28 16:30 UTC is already 11-29 in China
    expect(daysSince('2026-11-28', new Date('2026-11-28T16:30:00Z'))).toBe(1);
    expect(daysSince('2026-11-28', new Date('2027-03-01T04:00:00Z'))).toBe(93);
    expect(daysSince('2026-11-28', new Date('2026-11-20T04:00:00Z'))).toBe(-8);
  });

  it('moves days and timestamps, keeping the time of day, and leaves the rest alone', () => {
    expect(shiftDateText('2026-12-03 09:00', 60)).toBe('2027-02-01 09:00');
    expect(shiftDateText('2026-12-31', 1)).toBe('2027-01-01');
    expect(shiftDateText('2026/11/8', 2)).toBe('2026-11-10');
    expect(shiftDateText('2026-12-03T01:00:00Z', 1)).toBe('2026-12-04T01:00:00Z');
    expect(shiftDateText('', 5)).toBe('');
    expect(shiftDateText('面议', 5)).toBe('面议');
    expect(shiftDateText('2026-12-03 09:00', 0)).toBe('2026-12-03 09:00');
  });

  it('shifts only the named columns of copies', () => {
    const records = [{ line: 2, values: { date: '2026-11-28', price: '2026-11-28' } }];
    expect(shiftRecords(records, ['date'], 3)).toEqual([{ line: 2, values: { date: '2026-12-01', price: '2026-11-28' } }]);
    expect(records[0].values.date).toBe('2026-11-28');
  });
});
