import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

/** A response of an operation: a zod schema (JSON), or a media type (bytes, pages) with a description. */
export interface ApiResponseDoc {
  description?: string;
  schema?: z.ZodType;
  /** Default `application/json` with a schema; e.g. `application/octet-stream` for bytes. */
  contentType?: string;
}

/**
 * What the OpenAPI document cannot read from a route's Nest metadata: a summary,
 * a body the handler validates itself (uploads, forms), request headers, and
 * response schemas. Bodies and queries validated by `@Body/@Query(new ZodPipe(…))`
 * need nothing here: the document reads those schemas from the route.
 */
export interface ApiDocOptions {
  summary?: string;
  /** A JSON body validated inside the handler. */
  body?: z.ZodType;
  /** A query validated inside the handler. */
  query?: z.ZodType;
  /** A non-JSON body: its media type and description (`application/octet-stream` for file bytes). */
  rawBody?: { contentType: string; description: string };
  /** Request headers the operation reads. */
  headers?: { name: string; description: string; required?: boolean }[];
  /** By status; the route's success status gets a generic entry when absent. */
  responses?: Record<number, ApiResponseDoc>;
}

export const API_DOC_KEY = 'openapi:doc';
export const ApiDoc = (options: ApiDocOptions) => SetMetadata(API_DOC_KEY, options);
