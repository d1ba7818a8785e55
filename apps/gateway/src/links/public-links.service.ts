import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  AppError,
  digestLinkToken,
  FileGet,
  LINK_TOKEN_PATTERN,
  LinkResolve,
  NotFoundError,
  requestContext,
  RPC_CLIENT,
  RpcClient,
  type MessageMeta,
  type ResolvedLink,
} from '@app/common';
import { StreamProxy } from '../storage/stream-proxy.service';
import { attachmentDisposition, downloadPage, errorPage, passwordPage } from './link-pages';
import { linkPasswordMatches } from './link-password';
import { LinkPasswordGuesses } from './link-password-guesses.service';

/** What the visitor sent: a password (form field or `?password=`) and whether they asked for the bytes. */
export interface LinkVisit {
  password?: string;
  download: boolean;
}

const ERROR_TITLES: Record<number, string> = { 401: 'Password required', 403: 'Link expired', 404: 'Link not found', 429: 'Too many attempts' };

/**
 * Serves a shared link's public URL, with no API key: the token is the
 * credential. `direct` links stream the file (Range honoured); the others show
 * a download page. Refusals are the public JSON error, or a small page when the
 * visitor is a browser or the link is a page link.
 */
@Injectable()
export class PublicLinksService {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient, private readonly streams: StreamProxy, private readonly guesses: LinkPasswordGuesses) {}

  async visit(token: string, visit: LinkVisit, req: Request, res: Response): Promise<void> {
    res.setHeader('Referrer-Policy', 'no-referrer');
    let html = prefersHtml(req);
    try {
      const link = await this.resolve(token, req.requestId);
      html ||= !link.direct;
      if (link.passwordHash !== null && !(await this.passwordAccepted(link, visit, html, res))) return;
      const meta = this.metaOf(link, req);
      if (link.direct) return await this.streams.forward(req, res, meta, 'GET', ['files', link.fileId, 'contents']);
      const file = await this.rpc.call(FileGet, meta, { fileId: link.fileId, rawData: false });
      if (visit.download) {
        res.setHeader('Content-Disposition', attachmentDisposition(file.name));
        return await this.streams.forward(req, res, meta, 'GET', ['files', link.fileId, 'contents']);
      }
      sendHtml(res, 200, downloadPage(file, link.passwordHash === null ? null : visit.password!));
    } catch (err) {
      if (!html || !(err instanceof AppError) || res.headersSent) throw err;
      if (err.extra.retryAfter !== undefined) res.setHeader('Retry-After', String(err.extra.retryAfter));
      sendHtml(res, err.statusCode, errorPage(ERROR_TITLES[err.statusCode] ?? 'This link cannot be opened', err.message));
    }
  }

  /** @throws NotFoundError (unknown, malformed or inactive), ForbiddenError (expired) */
  private resolve(token: string, requestId: string): Promise<ResolvedLink> {
    if (!LINK_TOKEN_PATTERN.test(token)) return Promise.reject(new NotFoundError('This link does not exist or is no longer active.'));
    // No app yet: the token is the only credential, and only its digest crosses the broker.
    return this.rpc.call(LinkResolve, { requestId, appId: 'unauthenticated' }, { tokenDigest: digestLinkToken(token) });
  }

  /**
   * True when the visit may go on. Without a password a page asks for one
   * (401); a wrong one is counted, and past the limit every guess is a 429.
   * @throws AppError 401 unauthorized (JSON visitors), 429 too_many_requests
   */
  private async passwordAccepted(link: ResolvedLink, visit: LinkVisit, html: boolean, res: Response): Promise<boolean> {
    if (visit.password === undefined) {
      if (html) return sendHtml(res, 401, passwordPage(false));
      throw new AppError('unauthorized', 'This link is protected by a password: send it as ?password= or the form field "password".');
    }
    await this.guesses.assertAllowed(link.id);
    if (await linkPasswordMatches(visit.password, link.passwordHash!)) return true;
    await this.guesses.recordWrong(link.id);
    if (html) return sendHtml(res, 401, passwordPage(true));
    throw new AppError('unauthorized', 'The password for this link is not right.');
  }

  private metaOf(link: ResolvedLink, req: Request): MessageMeta & { accountId: number } {
    const meta: MessageMeta & { accountId: number } = { requestId: req.requestId, appId: link.appId, accountId: link.accountId };
    const traceparent = requestContext.getStore()?.traceparent;
    if (traceparent) meta.traceparent = traceparent;
    return meta;
  }
}

/** A browser (Accept prefers text/html); API clients and curl (no Accept, or JSON) get the public JSON error. */
function prefersHtml(req: Request): boolean {
  return req.accepts(['application/json', 'text/html']) === 'text/html';
}

/** Always false: the visit ends with this page. */
function sendHtml(res: Response, status: number, html: string): false {
  res.setHeader('Cache-Control', 'no-store');
  // The page loads nothing and may post only to itself; no framing (clickjacking a password form).
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
  res.status(status).type('html').send(html);
  return false;
}
