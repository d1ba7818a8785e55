import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { z } from 'zod';
import { Access } from '../access/access.decorator';
import { ZodPipe } from '../http/zod.pipe';
import { AppService } from './app.service';

const createAppSchema = z.object({ name: z.string().trim().min(1, 'name is required').max(255) });

/** Absolute http(s) URIs without a fragment (RFC 6749 §3.1.2), compared exactly. */
const redirectUri = z
  .string()
  .max(2048)
  .refine((v) => /^https?:\/\/[^\s#]+$/.test(v) && URL.canParse(v), 'each redirect URI must be an absolute http(s) URL without a fragment');
const redirectUrisSchema = z.object({ redirect_uris: z.array(redirectUri).max(20, 'at most 20 redirect URIs') });

@Controller('v1/admin/apps')
export class AdminController {
  constructor(private readonly apps: AppService) {}

  /** Bootstrap: creates an app and returns its API key, shown this once. */
  @Post()
  @HttpCode(201)
  @Access('admin')
  create(@Body(new ZodPipe(createAppSchema)) body: z.infer<typeof createAppSchema>) {
    return this.apps.create(body.name);
  }

  /** The redirect URIs `GET /v1/oauth` accepts for this app (replaces the list). */
  @Put(':appId/redirect_uris')
  @Access('admin')
  setRedirectUris(@Param('appId') appId: string, @Body(new ZodPipe(redirectUrisSchema)) body: z.infer<typeof redirectUrisSchema>) {
    return this.apps.setRedirectUris(appId, body.redirect_uris);
  }

  @Get(':appId/redirect_uris')
  @Access('admin')
  redirectUris(@Param('appId') appId: string) {
    return this.apps.redirectUris(appId);
  }
}
