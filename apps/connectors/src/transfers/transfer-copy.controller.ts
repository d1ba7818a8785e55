import { Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { AppError, describeZodError, InternalError, InvalidParametersError, requestContext, traceIdOf } from '@app/common';
import { InternalTokenGuard } from '../streams/internal-token.guard';
import { TransferCopyService } from './transfer-copy.service';

const copyBody = z.object({
  source: z.object({ accountId: z.number().int().positive(), fileId: z.string().min(1) }),
  destination: z.object({ accountId: z.number().int().positive(), parentId: z.string().min(1), name: z.string().min(1).max(255).optional() }),
  rawData: z.boolean().default(false),
});

/**
 * The transfer service's byte worker: POST a copy, and the answer streams
 * newline-delimited JSON — `{"progress":n,"total":t}` lines (at most a few a
 * second), then one `{"result":File}` or `{"error":PublicError}` line. Bytes
 * move inside this process only; the caller closing the request cancels the
 * copy. Only INTERNAL_TOKEN holders may call it.
 */
@Controller('internal/v1/transfers')
@UseGuards(InternalTokenGuard)
export class TransferCopyController {
  constructor(private readonly copies: TransferCopyService) {}

  @Post('copy')
  @HttpCode(200)
  async copy(@Req() req: Request, @Res() res: Response): Promise<void> {
    const appId = req.header('x-app-id');
    const parsed = copyBody.safeParse(await readJson(req));
    res.setHeader('Content-Type', 'application/x-ndjson');
    const line = (value: unknown) => res.write(`${JSON.stringify(value)}\n`);
    const requestId = req.header('x-request-id') ?? 'transfer';
    if (!appId || !parsed.success) {
      line({ error: new InvalidParametersError(parsed.success ? 'Missing app.' : describeZodError(parsed.error)).toPublic(requestId) });
      res.end();
      return;
    }
    const traceparent = req.header('traceparent');
    const meta = { appId, requestId, ...(traceIdOf(traceparent) ? { traceparent } : {}) };
    const cancelled = new AbortController();
    res.on('close', () => { if (!res.writableFinished) cancelled.abort(); });
    let last = 0;
    await requestContext.run({ requestId, traceparent: meta.traceparent }, async () => {
      try {
        const file = await this.copies.copyFile(meta, parsed.data, (done, total) => {
          const now = Date.now();
          if (now - last < 250 && done !== total) return;
          last = now;
          line({ progress: done, total });
        }, cancelled.signal);
        line({ result: file });
      } catch (err) {
        line({ error: (err instanceof AppError ? err : new InternalError()).toPublic(requestId) });
      }
      res.end();
    });
  }
}

/** The small JSON body of a copy request (this service runs without a body parser: its other routes stream bytes). */
async function readJson(req: Request): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}
