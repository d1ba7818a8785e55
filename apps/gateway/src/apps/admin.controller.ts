import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Req } from '@nestjs/common';
import type { Request } from 'express';
import { OAUTH_SERVICE_NAMES, OAuthClientDelete, OAuthClientList, OAuthClientSet, RPC_CLIENT, RpcClient, type OAuthServiceName } from '@app/common';
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
/** A web origin, `scheme://host[:port]` exactly as browsers send it (no path, no trailing slash). */
const origin = z
  .string()
  .max(512)
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol) && new URL(v).origin === v, 'each origin must be scheme://host[:port], without a path or trailing slash');
const originsSchema = z.object({ origins: z.array(origin).max(20, 'at most 20 origins') });
const oauthClientSchema = z.object({ client_id: z.string().trim().min(1, 'client_id is required').max(512), client_secret: z.string().min(1, 'client_secret is required').max(1024) });
const oauthService = z.enum(OAUTH_SERVICE_NAMES, { message: `service must be one of ${OAUTH_SERVICE_NAMES.join(', ')}` });

@Controller('v1/admin/apps')
export class AdminController {
  constructor(private readonly apps: AppService, @Inject(RPC_CLIENT) private readonly rpc: RpcClient) {}

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
  async setRedirectUris(@Param('appId') appId: string, @Body(new ZodPipe(redirectUrisSchema)) body: z.infer<typeof redirectUrisSchema>) {
    return { redirect_uris: await this.apps.setRegistered(appId, 'redirect_uri', body.redirect_uris) };
  }

  @Get(':appId/redirect_uris')
  @Access('admin')
  async redirectUris(@Param('appId') appId: string) {
    return { redirect_uris: await this.apps.registered(appId, 'redirect_uri') };
  }

  /** The origins the File Picker's popup flow may post its result to (replaces the list). */
  @Put(':appId/origins')
  @Access('admin')
  async setOrigins(@Param('appId') appId: string, @Body(new ZodPipe(originsSchema)) body: z.infer<typeof originsSchema>) {
    return { origins: await this.apps.setRegistered(appId, 'origin', body.origins) };
  }

  @Get(':appId/origins')
  @Access('admin')
  async origins(@Param('appId') appId: string) {
    return { origins: await this.apps.registered(appId, 'origin') };
  }

  /** The app's own OAuth client for a service (instead of the deployment's); the secret is stored sealed and never shown. */
  @Put(':appId/oauth_clients/:service')
  @Access('admin')
  async setOAuthClient(
    @Param('appId') appId: string,
    @Param('service', new ZodPipe(oauthService)) service: OAuthServiceName,
    @Body(new ZodPipe(oauthClientSchema)) body: z.infer<typeof oauthClientSchema>,
    @Req() req: Request,
  ) {
    await this.apps.registered(appId, 'origin'); // 404 for an unknown app
    return this.rpc.call(OAuthClientSet, { appId, requestId: req.requestId }, { service, clientId: body.client_id, clientSecret: body.client_secret });
  }

  @Get(':appId/oauth_clients')
  @Access('admin')
  async oauthClients(@Param('appId') appId: string, @Req() req: Request) {
    await this.apps.registered(appId, 'origin');
    return this.rpc.call(OAuthClientList, { appId, requestId: req.requestId }, {});
  }

  @Delete(':appId/oauth_clients/:service')
  @HttpCode(204)
  @Access('admin')
  async deleteOAuthClient(@Param('appId') appId: string, @Param('service', new ZodPipe(oauthService)) service: OAuthServiceName, @Req() req: Request) {
    await this.rpc.call(OAuthClientDelete, { appId, requestId: req.requestId }, { service });
  }
}
