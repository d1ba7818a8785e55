import { Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  abortPartsRequest,
  AppError,
  completePartsRequest,
  copyPartRequest,
  describeZodError,
  InternalError,
  InvalidParametersError,
  preparePartsRequest,
  requestContext,
  traceIdOf,
  uploadTagsRecord,
  type MessageMeta,
} from '@app/common';
import { InternalTokenGuard } from '../streams/internal-token.guard';
import { TransferCopyService } from './transfer-copy.service';
import { TransferPartsService } from './transfer-parts.service';
import { UrlUploadService } from './url-upload.service';
import { FolderCopyService } from './folder-copy.service';
import { StorageService } from '../storage/storage.service';

const destinationBody = z.object({ accountId: z.number().int().positive(), parentId: z.string().min(1), name: z.string().min(1).max(255).optional() });
const urlBody = z.object({ url: z.string().min(1).max(8192), destination: destinationBody, rawData: z.boolean().default(false), tags: uploadTagsRecord.optional() });
const folderBody = z.object({
  source: z.object({ accountId: z.number().int().positive(), folderId: z.string().min(1) }),
  destination: destinationBody,
  rawData: z.boolean().default(false),
  resume: z.boolean().default(false),
});
const deleteBody = z.object({ source: z.object({ accountId: z.number().int().positive(), folderId: z.string().min(1) }) });
const copyBody = z.object({
  source: z.object({ accountId: z.number().int().positive(), fileId: z.string().min(1) }),
  destination: destinationBody,
  rawData: z.boolean().default(false),
  tags: uploadTagsRecord.optional(),
});

type Meta = Pick<MessageMeta, 'appId' | 'requestId' | 'traceparent'>;
/** Writes one progress line (callers throttle). */
type Progress = (line: Record<string, number | null>) => void;

/**
 * The transfer service's byte worker. Every answer is newline-delimited JSON:
 * `{"progress":n,...}` lines while bytes move (only when they moved, so a
 * silent answer is a stalled one), then one `{"result":...}` or
 * `{"error":PublicError}` line. Bytes move inside this process only; the
 * caller closing the request cancels what runs. Only INTERNAL_TOKEN holders.
 * - `copy`: a whole file in one stream (destinations without chunked writes, small files)
 * - `prepare` / `part` / `complete` / `abort`: a chunked copy, part by part
 * - `url`: upload from a URL, fetched here and streamed into the destination
 * - `folder`: a folder tree, file by file (a re-run with `resume` keeps what is there)
 * - `delete`: a folder and everything below it
 */
@Controller('internal/v1/transfers')
@UseGuards(InternalTokenGuard)
export class TransferCopyController {
  constructor(private readonly copies: TransferCopyService, private readonly parts: TransferPartsService, private readonly urls: UrlUploadService, private readonly folders: FolderCopyService, private readonly storage: StorageService) {}

  @Post('folder')
  @HttpCode(200)
  folder(@Req() req: Request, @Res() res: Response): Promise<void> {
    return answer(req, res, folderBody, (meta, input, progress, signal) =>
      this.folders.copy(meta, input, (done, total) => progress({ progress: done, total }), signal),
    );
  }

  @Post('delete')
  @HttpCode(200)
  delete(@Req() req: Request, @Res() res: Response): Promise<void> {
    return answer(req, res, deleteBody, async (meta, input) => {
      await this.storage.delete({ ...meta, accountId: input.source.accountId }, { kind: 'folder', id: input.source.folderId, recursive: true });
      return { id: input.source.folderId, type: 'folder', deleted: true };
    });
  }

  @Post('url')
  @HttpCode(200)
  url(@Req() req: Request, @Res() res: Response): Promise<void> {
    return answer(req, res, urlBody, (meta, input, progress, signal) =>
      this.urls.upload(meta, input, (done, total) => progress({ progress: done, total }), signal),
    );
  }

  @Post('copy')
  @HttpCode(200)
  copy(@Req() req: Request, @Res() res: Response): Promise<void> {
    return answer(req, res, copyBody, (meta, input, progress, signal) =>
      this.copies.copyFile(meta, input, (done, total) => progress({ progress: done, total }), signal),
    );
  }

  @Post('prepare')
  @HttpCode(200)
  prepare(@Req() req: Request, @Res() res: Response): Promise<void> {
    return answer(req, res, preparePartsRequest, (meta, input) => this.parts.prepare(meta, input));
  }

  @Post('part')
  @HttpCode(200)
  part(@Req() req: Request, @Res() res: Response): Promise<void> {
    return answer(req, res, copyPartRequest, (meta, input, progress, signal) =>
      this.parts.copyPart(meta, input, (done) => progress({ progress: done, total: input.part.size }), signal),
    );
  }

  @Post('complete')
  @HttpCode(200)
  complete(@Req() req: Request, @Res() res: Response): Promise<void> {
    return answer(req, res, completePartsRequest, (meta, input) => this.parts.complete(meta, input));
  }

  @Post('abort')
  @HttpCode(200)
  abort(@Req() req: Request, @Res() res: Response): Promise<void> {
    return answer(req, res, abortPartsRequest, (meta, input) => this.parts.abort(meta, input));
  }
}

/** Parses the body, runs `work` in the caller's request context and writes its progress and its outcome as NDJSON. */
async function answer<S extends z.ZodType>(
  req: Request,
  res: Response,
  schema: S,
  work: (meta: Meta, input: z.output<S>, progress: Progress, signal: AbortSignal) => Promise<unknown>,
): Promise<void> {
  const appId = req.header('x-app-id');
  const parsed = schema.safeParse(await readJson(req));
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
  const progress: Progress = (value) => {
    const now = Date.now();
    if (now - last < 250) return;
    last = now;
    line(value);
  };
  await requestContext.run({ requestId, traceparent: meta.traceparent }, async () => {
    try {
      line({ result: await work(meta, parsed.data, progress, cancelled.signal) });
    } catch (err) {
      line({ error: (err instanceof AppError ? err : new InternalError()).toPublic(requestId) });
    }
    res.end();
  });
}

/** The small JSON body of a command (this service runs without a body parser: its other routes stream bytes). */
async function readJson(req: Request): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 8 * 1024 * 1024) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}
