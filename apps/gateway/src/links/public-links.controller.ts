import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Access } from '../access/access.decorator';
import { PublicLinksService, type LinkVisit } from './public-links.service';

/**
 * A shared link's public URL, `/v1/links/{token}`: no API key. `GET` opens it
 * (`?password=` for protected links, `?download=1` for the bytes of a page
 * link); `POST` is the password form posting back (`password`, `download`).
 */
@Controller('v1/links')
@Access('public')
export class PublicLinksController {
  constructor(private readonly links: PublicLinksService) {}

  @Get(':token')
  async open(@Param('token') token: string, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.links.visit(token, visitOf(query), req, res);
  }

  @Post(':token')
  async submit(@Param('token') token: string, @Body() body: unknown, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const form = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    await this.links.visit(token, visitOf({ ...query, ...form }), req, res);
  }
}

/** Only plain strings count (a repeated parameter is an array and is ignored); an empty password is none; passwords are capped like at creation. */
function visitOf(fields: Record<string, unknown>): LinkVisit {
  const password = typeof fields.password === 'string' && fields.password !== '' && fields.password.length <= 1024 ? fields.password : undefined;
  const download = typeof fields.download === 'string' && ['1', 'true'].includes(fields.download.toLowerCase());
  return { password, download };
}
