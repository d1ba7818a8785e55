import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { BrowserStep } from '@app/common';
import { Access } from '../access/access.decorator';
import { connectFormPage } from './connect-form.page';
import { OAuthGatewayService } from './oauth.service';

/**
 * The Kloudless OAuth endpoints (always v1). `oauth` access: each handler
 * authenticates what it carries (registered redirect URI, API key in the form
 * body, Bearer token) itself. Paths with a trailing slash route here too.
 */
@Controller('v1/oauth')
@Access('oauth')
export class OAuthController {
  constructor(private readonly oauth: OAuthGatewayService) {}

  @Get()
  async authorize(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    sendStep(res, await this.oauth.authorize(query, req.requestId));
  }

  @Get('callback')
  async callback(@Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    sendStep(res, await this.oauth.callback(query, req.requestId));
  }

  /** The connect form of a credential-based service, posted back (form-urlencoded, its state in a hidden field). */
  @Post('form')
  async submitForm(@Req() req: Request, @Res() res: Response) {
    const { step, values } = await this.oauth.submitForm(req);
    sendStep(res, step, values);
  }

  @Post('token')
  @HttpCode(200)
  token(@Req() req: Request) {
    return this.oauth.token(req);
  }

  @Get('token')
  verify(@Req() req: Request) {
    return this.oauth.verify(req);
  }
}

/** A browser step: a 302, a short HTML page, a connect form, or the popup flow's posting page (never JSON, never a stack trace). */
function sendStep(res: Response, step: BrowserStep, values?: Record<string, string>): void {
  res.setHeader('Cache-Control', 'no-store');
  if ('form' in step) {
    // Credentials are typed here: no other page may frame it (clickjacking), and it runs no script.
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    res.status(step.form.error ? 400 : 200).type('html').send(connectFormPage(step.form, values));
    return;
  }
  if ('redirect' in step) {
    res.redirect(302, step.redirect);
    return;
  }
  if ('popup' in step) {
    res.status(200).type('html').send(popupPage(step.popup.origin, step.popup.message));
    return;
  }
  const text = step.page.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  res.status(400).type('html').send(`<!doctype html><meta charset="utf-8"><title>Connecting an account</title><p>${text}</p>\n`);
}

/**
 * Posts the result to the window that opened the popup, at exactly `origin`
 * (a registered one: another page cannot read it), then closes. The values are
 * JSON with `<` escaped, so nothing in them can end the script.
 */
export function popupPage(origin: string, message: string): string {
  const js = (v: string) => JSON.stringify(v).replace(/</g, '\\u003c');
  return `<!doctype html><meta charset="utf-8"><title>Connecting an account</title>
<p>You can close this window.</p>
<script>
if (window.opener) window.opener.postMessage(${js(message)}, ${js(origin)});
window.close();
</script>
`;
}
