import { pipeline } from 'node:stream/promises';
import { ArgumentsHost, Catch, Controller, Get, Inject, Param, Post, Put, Req, Res, UseFilters, UseGuards, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { AppError, InternalError, InvalidParametersError, LOGGER, requestContext, traceIdOf, uploadTagsRecord, type MessageMeta, type UploadTags } from '@app/common';
import { MultipartService } from '../multipart/multipart.service';
import { InternalTokenGuard } from './internal-token.guard';
import { StreamService } from './stream.service';

/** Errors of the stream endpoint, in the public format the gateway passes on as is. */
@Catch()
export class StreamErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}
  catch(err: unknown, host: ArgumentsHost) {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const error = err instanceof AppError ? err : new InternalError();
    if (!(err instanceof AppError)) this.logger.error({ err, path: req.path }, 'connectors.stream.error');
    if (res.headersSent) return void res.destroy();
    const { retry_after: retryAfter, ...body } = error.toPublic(req.header('x-request-id'));
    if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
    res.status(body.status_code).json(body);
  }
}

export function metaOf(req: Request): MessageMeta & { accountId: number } {
  const accountId = Number(req.params.accountId);
  const appId = req.header('x-app-id');
  if (!appId || !Number.isInteger(accountId) || accountId < 1) throw new InvalidParametersError('Missing app or account.');
  const traceparent = req.header('traceparent');
  return { appId, accountId, requestId: req.header('x-request-id') ?? 'internal', ...(traceIdOf(traceparent) ? { traceparent } : {}) };
}

export function lengthOf(req: Request): number | undefined {
  const value = req.header('content-length');
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

const flag = (v: unknown) => String(v ?? '').toLowerCase() === 'true';

/**
 * The internal stream endpoint: bytes between the gateway and the storage
 * services, piped with back-pressure, never through Kafka and never whole in
 * memory. Only the gateway may call it (INTERNAL_TOKEN).
 */
@Controller('internal/v1/accounts/:accountId')
@UseGuards(InternalTokenGuard)
@UseFilters(StreamErrorFilter)
export class StreamController {
  constructor(private readonly streams: StreamService, private readonly multipart: MultipartService) {}

  @Get('files/:fileId/contents')
  async download(@Req() req: Request, @Res() res: Response, @Param('fileId') fileId: string): Promise<void> {
    const meta = metaOf(req);
    await requestContext.run({ requestId: meta.requestId, traceparent: meta.traceparent }, async () => {
      const file = await this.streams.download(meta, fileId, req.header('range'));
      res.setHeader('Content-Type', file.mimeType ?? 'application/octet-stream');
      res.setHeader('Content-Length', String(file.contentLength));
      res.setHeader('Accept-Ranges', 'bytes');
      if (file.range) {
        res.status(206);
        res.setHeader('Content-Range', `bytes ${file.range.start}-${file.range.end}/${file.size}`);
      }
      await pipeline(file.stream, res);
    });
  }

  @Post('files')
  async upload(@Req() req: Request, @Res() res: Response): Promise<void> {
    const meta = metaOf(req);
    const q = req.query;
    if (typeof q.parent_id !== 'string' || typeof q.name !== 'string' || q.name === '') {
      throw new InvalidParametersError('X-Kloudless-Metadata must give "name" and "parent_id".');
    }
    const file = await this.streams.upload(
      meta,
      // announce=false: the caller publishes the file event itself (presigned uploads, once registered).
      { parentId: q.parent_id, name: q.name, overwrite: flag(q.overwrite), size: lengthOf(req), mimeType: mimeOf(req), rawData: flag(q.raw), announce: q.announce !== 'false', tags: tagsOf(q.tags) },
      req,
    );
    res.status(201).json(file);
  }

  @Put('files/:fileId')
  async replace(@Req() req: Request, @Res() res: Response, @Param('fileId') fileId: string): Promise<void> {
    const file = await this.streams.replace(metaOf(req), fileId, { size: lengthOf(req), mimeType: mimeOf(req), rawData: flag(req.query.raw) }, req);
    res.status(200).json(file);
  }

  /** One part of a multipart session; kloudless-node requires exactly 200. */
  @Put('multipart/:sessionId')
  async part(@Req() req: Request, @Res() res: Response, @Param('sessionId') sessionId: string): Promise<void> {
    const partNumber = Number(req.query.part_number);
    const length = lengthOf(req);
    if (length === undefined) throw new InvalidParametersError('A part needs a Content-Length.');
    await this.multipart.writePart(metaOf(req), sessionId, partNumber, req, length);
    res.status(200).json({ success: true });
  }
}

/** A meaningful media type of the body; SDK defaults that say nothing about the file are dropped. */
function mimeOf(req: Request): string | undefined {
  const type = req.header('content-type')?.split(';')[0].trim().toLowerCase();
  if (!type || type === 'application/octet-stream' || type === 'application/x-www-form-urlencoded' || type === 'application/form-urlencoded') return undefined;
  return type;
}

/** `tags`: the upload tags as JSON (the gateway validated them; checked again here, the edge of this service). */
function tagsOf(raw: unknown): UploadTags | undefined {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = typeof raw === 'string' ? JSON.parse(raw) : null;
  } catch {
    value = null;
  }
  const parsed = uploadTagsRecord.safeParse(value);
  if (!parsed.success) throw new InvalidParametersError('tags must be at most 10 string pairs (keys ≤ 128, values ≤ 256 characters).');
  return parsed.data;
}
