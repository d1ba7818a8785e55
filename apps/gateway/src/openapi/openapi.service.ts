import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Type } from '@nestjs/common';
import { docsPage } from './docs-page';
import { buildOpenApi, type OpenApiDocument } from './openapi.builder';

/** The gateway's OpenAPI document and docs page, built once from every controller Nest registered. */
@Injectable()
export class OpenApiService {
  private doc?: OpenApiDocument;
  private page?: string;

  constructor(private readonly discovery: DiscoveryService) {}

  document(): OpenApiDocument {
    this.doc ??= buildOpenApi(
      this.discovery.getControllers().map((wrapper) => wrapper.metatype as Type | null).filter((t): t is Type => !!t),
      { version: 'v1' },
    );
    return this.doc;
  }

  docsPage(): string {
    this.page ??= docsPage(this.document());
    return this.page;
  }
}
