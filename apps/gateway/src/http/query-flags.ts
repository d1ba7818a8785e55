import { z } from 'zod';

/** Boolean query flags as Kloudless SDKs send them: true/True/1 or false/False/0 (python sends `True`). */
export const queryFlag = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const lower = v.toLowerCase();
      if (lower === 'true' || lower === '1') return true;
      if (lower === 'false' || lower === '0') return false;
      ctx.addIssue({ code: 'custom', message: `must be true or false, got "${v.slice(0, 16)}"` });
      return z.NEVER;
    });
