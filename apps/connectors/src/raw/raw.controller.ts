import { pipeline } from 'node:stream/promises';
import { Controller, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { requestContext } from '@app/common';
import { InternalTokenGuard } from '../streams/internal-token.guard';
import { lengthOf, metaOf, StreamErrorFilter } from '../streams/stream.controller';
import { RawService } from './raw.service';

/** Tells the gateway this answer is the upstream service's own, to pass on whatever its status. */
const VERBATIM_MARKER = 'x-raw-upstream';

/** The raw pass-through on the internal stream endpoint: the body streams in, the upstream answer streams back. */
@Controller('internal/v1/accounts/:accountId')
@UseGuards(InternalTokenGuard)
@UseFilters(StreamErrorFilter)
export class RawController {
  constructor(private readonly raw: RawService) {}

  @Post('raw')
  async send(@Req() req: Request, @Res() res: Response): Promise<void> {
    const meta = metaOf(req);
    await requestContext.run({ requestId: meta.requestId, traceparent: meta.traceparent }, async () => {
      const length = lengthOf(req);
      const hasBody = req.header('transfer-encoding') !== undefined || (length ?? 0) > 0;
      const answer = await this.raw.send(meta, {
        uri: req.header('x-kloudless-raw-uri'),
        method: req.header('x-kloudless-raw-method'),
        headers: req.header('x-kloudless-raw-headers'),
        query: rawQuery(req.originalUrl),
        body: hasBody ? req : undefined,
        contentType: req.header('content-type'),
        contentLength: hasBody ? length : undefined,
      });
      res.status(answer.status);
      for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined) res.setHeader(name, value);
      res.setHeader(VERBATIM_MARKER, '1');
      try {
        await pipeline(answer.body, res);
      } catch {
        // The client or the service hung up mid-body: nothing more can be said on this response.
        answer.body.destroy();
        res.destroy();
      }
    });
  }
}

/** `raw[name]=value` → name → value. */
function rawQuery(originalUrl: string): Record<string, string> {
  const q = originalUrl.indexOf('?');
  const out: Record<string, string> = {};
  if (q < 0) return out;
  for (const [key, value] of new URLSearchParams(originalUrl.slice(q + 1))) {
    const match = /^raw\[([^\]]+)\]$/.exec(key);
    if (match) out[match[1]] = value;
  }
  return out;
}
