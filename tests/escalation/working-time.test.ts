import { describe, expect, it } from 'vitest';
import { addWorkingHours, chinaClock, formatChinaTime, isWorkingTime } from '../../src/escalation/working-time.ts';
import { parseWorkDays, parseWorkHours } from '../../src/settings/work-hours.ts';
import { priorityOf, ticketCategory, kbCategoryOf } from '../../src/escalation/categories.ts';
import { maskPhone, maskPhonesInText } from '../../src/escalation/masking.ts';

const team = { days: [1, 2, 3, 4, 5], startMin: 8 * 60, endMin: 18 * 60 };
const china = (s: string) => new Date(`${s}+08:00`);

describe('working time (China time)', () => {
  it('parses hours and days', () => {
    expect(parseWorkHours('08:00-18:00')).toEqual({ startMin: 480, endMin: 1080 });
    expect(parseWorkHours('00:00-24:00')).toEqual({ startMin: 0, endMin: 1440 });
    expect(parseWorkHours('18:00-08:00')).toBeUndefined();
    expect(parseWorkHours('8点到6点')).toBeUndefined();
    expect(parseWorkDays('1-5')).toEqual([1, 2, 3, 4, 5]);
    expect(parseWorkDays('1-3,6')).toEqual([1, 2, 3, 6]);
    expect(parseWorkDays('5-1')).toBeUndefined();
    expect(parseWorkDays('0-8')).toBeUndefined();
  });

  it('knows weekday and minute in China whatever the server’s zone', () => {
    expect(chinaClock(china('2026-11-30T00:30:00'))).toMatchObject({ dow: 1, minute: 30 });
    expect(chinaClock(china('2026-11-29T23:59:00'))).toMatchObject({ dow: 7, minute: 1439 });
    expect(isWorkingTime(china('2026-11-30T08:00:00'), team)).toBe(true);
    expect(isWorkingTime(china('2026-11-30T18:00:00'), team)).toBe(false);
    expect(isWorkingTime(china('2026-11-28T10:00:00'), team)).toBe(false);
  });

  it('adds working hours, skipping nights and weekends', () => {
    expect(addWorkingHours(china('2026-11-30T09:00:00'), 4, team)).toEqual(china('2026-11-30T13:00:00'));
    expect(addWorkingHours(china('2026-11-30T16:00:00'), 4, team)).toEqual(china('2026-12-01T10:00:00'));
    expect(addWorkingHours(china('2026-12-04T17:00:00'), 4, team)).toEqual(china('2026-12-07T11:00:00'));
    expect(addWorkingHours(china('2026-11-28T02:00:00'), 4, team)).toEqual(china('2026-11-30T12:00:00'));
    expect(addWorkingHours(china('2026-11-30T06:00:00'), 0.5, team)).toEqual(china('2026-11-30T08:30:00'));
    expect(addWorkingHours(china('2026-11-30T09:00:00'), 25, team)).toEqual(china('2026-12-02T14:00:00'));
  });

  it('formats a due time the way people say it', () => {
    const now = china('2026-11-30T09:00:00');
    expect(formatChinaTime(china('2026-11-30T13:00:00'), now)).toBe('今天13:00');
    expect(formatChinaTime(china('2026-12-01T10:00:00'), now)).toBe('明天10:00');
    expect(formatChinaTime(china('2026-12-07T11:05:00'), now)).toBe('12月7日 11:05');
  });
});

describe('categories, priority, masking', () => {
  it('keeps the agent’s expert categories and maps anything else', () => {
    expect(ticketCategory('兽医')).toBe('兽医');
    expect(ticketCategory('livestock')).toBe('畜牧');
    expect(ticketCategory('天气')).toBe('经济作物');
    expect(kbCategoryOf('兽医')).toBe('livestock');
    expect(kbCategoryOf('植保')).toBe('agronomy');
  });

  it('urgent for deaths, outbreaks and poisoning; high for spreading pests and diseases', () => {
    expect(priorityOf('猪死了好几头', '兽医')).toBe(1);
    expect(priorityOf('小麦条锈病', '植保')).toBe(2);
    expect(priorityOf('玉米种多密', '粮食作物')).toBe(3);
  });

  it('masks phones as 138****1234', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone(null)).toBeNull();
    expect(maskPhonesInText('我电话13812341234，或+8613912345678')).toBe('我电话138****1234，或139****5678');
  });
});
