import { RequestMethod, type Type } from '@nestjs/common';
import { z } from 'zod';
import { ACCESS_KEY, type AccessLevel } from '../access/access.decorator';
import { ZodPipe } from '../http/zod.pipe';
import { API_DOC_KEY, type ApiDocOptions, type ApiResponseDoc } from './api-doc.decorator';
import { errorSchema } from './public-objects.schema';

// Nest's own metadata keys (@nestjs/common constants.ts, RouteParamtypes), read as Nest's router reads them.
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';
const ROUTE_ARGS_METADATA = '__routeArguments__';
const HTTP_CODE_METADATA = '__httpCode__';
const PARAM_TYPES = { body: 3, query: 4, param: 5 } as const;

type JsonSchema = Record<string, unknown>;
export interface OpenApiOperation {
  operationId: string;
  summary?: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters: { name: string; in: 'path' | 'query' | 'header'; required: boolean; description?: string; schema: JsonSchema }[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }>; description?: string };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
}
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
}

const HTTP_METHODS: Partial<Record<RequestMethod, string>> = {
  [RequestMethod.GET]: 'get', [RequestMethod.POST]: 'post', [RequestMethod.PUT]: 'put', [RequestMethod.PATCH]: 'patch',
  [RequestMethod.DELETE]: 'delete', [RequestMethod.OPTIONS]: 'options', [RequestMethod.HEAD]: 'head',
};

const SECURITY: Record<AccessLevel, Record<string, string[]>[]> = {
  app: [{ apiKey: [] }, { bearer: [] }],
  admin: [{ adminToken: [] }],
  // Public routes, and OAuth routes that check the credentials they carry themselves.
  public: [],
  oauth: [],
};

/**
 * The OpenAPI 3.1 document of the gateway, read from the controllers' own
 * metadata: routes and status codes from Nest's decorators, bodies, queries and
 * path parameters from the zod schemas of their `ZodPipe`s (the ones that
 * validate requests), anything a handler reads itself from `@ApiDoc`.
 */
export function buildOpenApi(controllers: Type[], info: { version: string }): OpenApiDocument {
  const components: Record<string, JsonSchema> = {};
  const toSchema = (schema: z.ZodType): JsonSchema => jsonSchemaOf(schema, components);
  const paths: OpenApiDocument['paths'] = {};
  for (const controller of controllers) {
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
      const method = HTTP_METHODS[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      if (!method) continue;
      for (const path of routePaths(controller, handler as object)) {
        paths[path] ??= {};
        paths[path][method] = operationOf(controller, name, handler, path, method, toSchema);
      }
    }
  }
  toSchema(errorSchema); // registers the Error component every operation's `default` response names
  return {
    openapi: '3.1.0',
    info: {
      title: 'Unified storage API',
      version: info.version,
      description:
        'Wire-compatible with the Kloudless API v1. Every path is also answered with a trailing slash; `{accountId}` is a numeric id, or `me` with a Bearer token. ' +
        'JSON replies carry `Content-Type: application/json`; errors are `#/components/schemas/Error`.',
    },
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: '`APIKey <key>` (scheme matched case-insensitively): every account of the app.' },
        bearer: { type: 'http', scheme: 'bearer', description: 'A Bearer token from the OAuth flow: its one account.' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN.' },
      },
    },
  };
}

/** `/v1/accounts/{accountId}/…` for every path the controller and handler combine to (either may list several). */
function routePaths(controller: Type, handler: object): string[] {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v : [v ?? '']).map(String);
  const out: string[] = [];
  for (const base of list(Reflect.getMetadata(PATH_METADATA, controller))) {
    for (const sub of list(Reflect.getMetadata(PATH_METADATA, handler))) {
      const joined = `/${[base, sub].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
      out.push(openApiPath(joined));
    }
  }
  return out;
}

/** Express' `:name` → OpenAPI's `{name}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function operationOf(controller: Type, name: string, handler: unknown, path: string, method: string, toSchema: (s: z.ZodType) => JsonSchema): OpenApiOperation {
  const doc = (Reflect.getMetadata(API_DOC_KEY, handler as object) ?? {}) as ApiDocOptions;
  const access = (Reflect.getMetadata(ACCESS_KEY, handler as object) ?? Reflect.getMetadata(ACCESS_KEY, controller) ?? 'app') as AccessLevel;
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, { data?: unknown; pipes?: unknown[] }>;
  const zodOf = (type: number) =>
    Object.entries(args)
      .filter(([key]) => key.split(':')[0] === String(type))
      .map(([, arg]) => ({ data: arg.data, schema: (arg.pipes ?? []).find((p): p is ZodPipe<z.ZodType> => p instanceof ZodPipe)?.schema }));

  const parameters: OpenApiOperation['parameters'] = [];
  const paramSchemas = new Map(zodOf(PARAM_TYPES.param).filter((p) => typeof p.data === 'string' && p.schema).map((p) => [p.data as string, p.schema!]));
  for (const [, param] of path.matchAll(/\{([^}]+)\}/g)) {
    const schema = paramSchemas.get(param);
    parameters.push({
      name: param,
      in: 'path',
      required: true,
      ...(param === 'accountId' ? { description: 'A numeric account id, or `me` with a Bearer token.' } : {}),
      schema: schema ? toSchema(schema) : param === 'accountId' ? { type: 'string', pattern: '^([1-9][0-9]{0,9}|me)$' } : { type: 'string' },
    });
  }
  const queries = [...zodOf(PARAM_TYPES.query).map((q) => q.schema), doc.query].filter((s): s is z.ZodType => s !== undefined);
  for (const query of queries) {
    for (const [pname, property] of Object.entries(objectProperties(toSchema(query)))) {
      parameters.push({ name: pname, in: 'query', required: property.required, schema: property.schema });
    }
  }
  for (const header of doc.headers ?? []) parameters.push({ name: header.name, in: 'header', required: header.required ?? false, description: header.description, schema: { type: 'string' } });

  const bodies = [...zodOf(PARAM_TYPES.body).filter((b) => b.data === undefined).map((b) => b.schema), doc.body].filter((s): s is z.ZodType => s !== undefined);
  let requestBody: OpenApiOperation['requestBody'];
  const content: Record<string, { schema: JsonSchema }> = {};
  if (bodies.length) content['application/json'] = { schema: bodies.length === 1 ? toSchema(bodies[0]) : { anyOf: bodies.map(toSchema) } };
  if (doc.rawBody) content[doc.rawBody.contentType] = { schema: { type: 'string', contentMediaType: doc.rawBody.contentType } };
  if (Object.keys(content).length) requestBody = { required: true, content, ...(doc.rawBody ? { description: doc.rawBody.description } : {}) };

  const status = (Reflect.getMetadata(HTTP_CODE_METADATA, handler as object) as number | undefined) ?? (method === 'post' ? 201 : 200);
  const responses: OpenApiOperation['responses'] = {};
  const documented = doc.responses ?? {};
  if (!documented[status] && !Object.keys(documented).some((s) => Number(s) < 400)) documented[status] = {};
  for (const [code, response] of Object.entries(documented)) responses[code] = responseOf(Number(code), response, toSchema);
  responses.default = { description: 'An error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

  return {
    operationId: `${controller.name.replace(/Controller$/, '')}_${name}`,
    ...(doc.summary ? { summary: doc.summary } : {}),
    tags: [tagOf(path)],
    security: SECURITY[access],
    parameters,
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

function responseOf(status: number, response: ApiResponseDoc, toSchema: (s: z.ZodType) => JsonSchema) {
  const description = response.description ?? (status === 204 ? 'No content' : 'Success');
  if (response.schema) return { description, content: { [response.contentType ?? 'application/json']: { schema: toSchema(response.schema) } } };
  if (response.contentType) return { description, content: { [response.contentType]: { schema: { type: 'string', contentMediaType: response.contentType } } } };
  return { description };
}

/** The group of an operation: `storage`, `accounts`, `webhooks`… from its path. */
function tagOf(path: string): string {
  const parts = path.split('/').filter(Boolean);
  if (parts[0] !== 'v1') return parts[0] ?? 'misc';
  if (parts[1] === 'accounts' && parts.length > 3) return parts[3] === 'storage' ? 'storage' : parts[3].replace(/[{}]/g, '');
  return parts[1];
}

/**
 * A zod schema as JSON Schema (2020-12, OpenAPI 3.1's dialect), as a request
 * is validated (`io: input`); schemas with a registered id (`.meta({id})`) go
 * to components and are referenced.
 */
function jsonSchemaOf(schema: z.ZodType, components: Record<string, JsonSchema>): JsonSchema {
  const converted = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  // Shared schemas (`.meta({id})`) become components, referenced from where they were.
  const result = JSON.parse(JSON.stringify(converted).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
  const defs = (result.$defs ?? {}) as Record<string, JsonSchema>;
  for (const [id, def] of Object.entries(defs)) components[id] = def;
  const { $schema: _s, $defs: _d, ...rest } = result;
  const id = (z.globalRegistry.get(schema) as { id?: string } | undefined)?.id;
  if (id) {
    // zod may already have put the root itself in $defs and answered a $ref to it.
    if (!('$ref' in rest)) components[id] = rest;
    return { $ref: `#/components/schemas/${id}` };
  }
  return rest;
}

/** The properties of an object schema (allOf of objects flattened), with whether each is required. */
function objectProperties(schema: JsonSchema): Record<string, { required: boolean; schema: JsonSchema }> {
  const out: Record<string, { required: boolean; schema: JsonSchema }> = {};
  const visit = (s: JsonSchema) => {
    for (const part of (s.allOf ?? []) as JsonSchema[]) visit(part);
    const required = new Set((s.required ?? []) as string[]);
    for (const [name, prop] of Object.entries((s.properties ?? {}) as Record<string, JsonSchema>)) out[name] = { required: required.has(name), schema: prop };
  };
  visit(schema);
  return out;
}
