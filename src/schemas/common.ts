import { z } from 'zod';

export const errorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});

export const uuidParam = z.object({
  id: z.string().uuid('id 应为文档编号（UUID），例如 0b7c…-…'),
});
