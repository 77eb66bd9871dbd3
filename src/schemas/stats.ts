import { z } from 'zod';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期写成 2026-11-01 这样的格式');

export const serviceQuery = z.object({
  from: day.optional(),
  to: day.optional(),
  county: z.string().trim().max(30).optional(),
});

export const serviceResponse = z.object({
  from: z.string(),
  to: z.string(),
  county: z.string().nullable(),
  turns: z.number(),
  byChannel: z.record(z.string(), z.number()),
  byIntent: z.record(z.string(), z.number()),
  answered: z.number(),
  escalated: z.number(),
  ticketsOpen: z.number(),
  ticketsOverdue: z.number(),
  medianFirstResponseMinutes: z.number().nullable(),
  slaMetShare: z.number().nullable(),
  topUnanswered: z.array(z.object({ question: z.string(), count: z.number(), category: z.string(), keywords: z.array(z.string()) })),
  byDay: z.array(z.object({ day: z.string(), channel: z.string(), turns: z.number(), answered: z.number(), escalated: z.number() })),
  byExpert: z.array(z.object({
    expertId: z.string(), username: z.string(), name: z.string(), answered: z.number(),
    medianResponseMinutes: z.number().nullable(), overdue: z.number(),
  })),
});
