import { Controller, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InvalidParametersError, type MessageMeta } from '@app/common';
import { AccountId, Meta } from '../access/caller.decorator';
import { StreamProxy } from './stream-proxy.service';
import { ApiDoc } from '../openapi/api-doc.decorator';

/** The request headers of the pass-through, passed on to the connectors as they are. */
const RAW_HEADERS = ['x-kloudless-raw-uri', 'x-kloudless-raw-method', 'x-kloudless-raw-headers'];

@Controller('v1/accounts/:accountId')
export class RawController {
  constructor(private readonly streams: StreamProxy) {}

  /**
   * The raw pass-through: `X-Kloudless-Raw-Method` on `X-Kloudless-Raw-URI` of
   * the account's own service, with its credentials, streamed both ways; the
   * service's answer comes back as it is (status, headers, body). The
   * connectors confine the URI to the account's service. `raw[name]=value`
   * query parameters are added upstream where the connector honours them.
   */
  @Post('raw')
  @ApiDoc({
    summary: 'Raw pass-through: a request on the account\'s own service with its credentials',
    rawBody: { contentType: '*/*', description: 'Sent upstream as is, streamed.' },
    headers: [
      { name: 'X-Kloudless-Raw-URI', required: true, description: 'Relative to the service\'s API base (the bucket or collection for S3, Azure, WebDAV; the API host for OAuth services), or absolute on one of its own hosts.' },
      { name: 'X-Kloudless-Raw-Method', required: true, description: 'GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or a WebDAV method.' },
      { name: 'X-Kloudless-Raw-Headers', description: 'JSON object of headers to add (connectors with rawPassthrough).' },
    ],
    responses: { 200: { contentType: '*/*', description: 'The service\'s answer as it gave it: its status (any), headers and body.' } },
  })
  async raw(@Meta() meta: MessageMeta, @AccountId() accountId: number, @Req() req: Request, @Res() res: Response): Promise<void> {
    for (const name of ['X-Kloudless-Raw-URI', 'X-Kloudless-Raw-Method']) {
      if (!req.header(name)) throw new InvalidParametersError(`The raw pass-through needs the ${name} header.`);
    }
    await this.streams.forward(req, res, { ...meta, accountId }, 'POST', ['raw'], rawQuery(req.originalUrl), { passOn: RAW_HEADERS, verbatim: true });
  }
}

/** The `raw[name]=value` parameters of the query, as they came (express' parser would nest them). */
function rawQuery(originalUrl: string): Record<string, string> {
  const q = originalUrl.indexOf('?');
  const out: Record<string, string> = {};
  if (q < 0) return out;
  for (const [key, value] of new URLSearchParams(originalUrl.slice(q + 1))) if (/^raw\[[^\]]+\]$/.test(key)) out[key] = value;
  return out;
}
