import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Access } from '../access/access.decorator';
import { ApiDoc } from './api-doc.decorator';
import { OpenApiService } from './openapi.service';

@Controller()
@Access('public')
export class OpenApiController {
  constructor(private readonly openapi: OpenApiService) {}

  @Get('v1/openapi.json')
  @ApiDoc({ summary: 'This document: OpenAPI 3.1 of the whole public API' })
  document() {
    return this.openapi.document();
  }

  /** A self-contained page (no script, nothing fetched from elsewhere). */
  @Get('docs')
  @ApiDoc({ summary: 'The API reference as an HTML page', responses: { 200: { contentType: 'text/html', description: 'The page' } } })
  docs(@Res() res: Response): void {
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.type('html').send(this.openapi.docsPage());
  }
}
