import 'reflect-metadata';
import { type INestApplication } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { HealthController, MetricsController } from '@app/common';
import { gatewayControllers } from '../app.module';
import { openApiPath, type OpenApiDocument } from './openapi.builder';
import { OpenApiService } from './openapi.service';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** The gateway's controllers, and the ops ones ServiceCoreModule adds to every service, on a real Nest + Express app (dependencies stubbed; nothing listens). */
async function mountedGateway(): Promise<INestApplication> {
  const module = await Test.createTestingModule({ imports: [DiscoveryModule], controllers: [...gatewayControllers, HealthController, MetricsController], providers: [OpenApiService] })
    .useMocker(() => ({}))
    .compile();
  const app = module.createNestApplication({ logger: false });
  await app.init();
  return app;
}

/** Every (method, path) the Express router answers, as OpenAPI spells paths. */
function routesOf(app: INestApplication): string[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } };
  const routes: string[] = [];
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    for (const path of [layer.route.path].flat()) {
      for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') routes.push(`${method} ${openApiPath(path)}`);
    }
  }
  return routes;
}

describe('the OpenAPI document', () => {
  let app: INestApplication;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    app = await mountedGateway();
    doc = app.get(OpenApiService).document();
  });
  afterAll(() => app?.close());

  it('lists every route the gateway answers, and no other', () => {
    const routes = routesOf(app);
    expect(routes.length).toBeGreaterThan(70);
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`));
    expect(routes.filter((r) => !documented.includes(r))).toEqual([]);
    expect(documented.filter((d) => !routes.includes(d))).toEqual([]);
    expect(routes).toEqual(expect.arrayContaining(['post /v1/accounts/{accountId}/raw', 'get /v1/openapi.json', 'get /docs', 'get /v1/accounts/{accountId}/storage/files/{fileId}/contents']));
  });

  it('is structurally valid OpenAPI 3.1: paths, methods, unique operationIds, declared path parameters, responses', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    const ids = new Set<string>();
    for (const [path, methods] of Object.entries(doc.paths)) {
      expect(path).toMatch(/^\/[^?#]*$/);
      expect(path).not.toMatch(/:/);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(methods)) {
        expect(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']).toContain(method);
        expect(op.operationId).toMatch(/^[A-Za-z0-9_]+$/);
        expect(ids.has(op.operationId)).toBe(false);
        ids.add(op.operationId);
        const inPath = op.parameters.filter((p) => p.in === 'path');
        expect(inPath.map((p) => p.name).sort()).toEqual([...templated].sort());
        expect(inPath.every((p) => p.required)).toBe(true);
        const keys = op.parameters.map((p) => `${p.in}:${p.name}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
        for (const code of Object.keys(op.responses)) expect(code).toMatch(/^([1-5]\d\d|default)$/);
        for (const security of op.security) for (const name of Object.keys(security)) expect(doc.components.securitySchemes[name]).toBeDefined();
      }
    }
    // Every $ref resolves to a component.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(doc.components.schemas[ref]).toBeDefined();
    for (const [name, schema] of Object.entries(doc.components.schemas)) expect([name, schema.$ref]).toEqual([name, undefined]);
    expect(doc.components.schemas.StorageObject).toMatchObject({ type: 'object', properties: { id: { type: 'string' }, type: { enum: ['file', 'folder'] } } });
    expect(JSON.stringify(doc)).not.toContain('#/$defs/');
  });

  it('takes bodies and queries from the zod schemas that validate them', () => {
    const createFolder = doc.paths['/v1/accounts/{accountId}/storage/folders'].post;
    expect(createFolder.requestBody?.content['application/json'].schema).toMatchObject({ type: 'object', properties: { name: { type: 'string', minLength: 1, maxLength: 1024 }, parent_id: { type: 'string' } }, required: ['name'] });
    expect(createFolder.parameters).toContainEqual(expect.objectContaining({ name: 'conflict_if_exists', in: 'query', required: false }));
    const search = doc.paths['/v1/accounts/{accountId}/storage/search'].get;
    expect(search.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['accountId', 'q', 'parents', 'page', 'page_size']));
    expect(search.parameters.find((p) => p.name === 'q')?.required).toBe(true);
    const account = doc.paths['/v1/accounts'].post.requestBody?.content['application/json'].schema as { properties: Record<string, unknown> };
    expect(Object.keys(account.properties)).toEqual(expect.arrayContaining(['service', 'config']));
    expect(doc.paths['/v1/admin/apps'].post.security).toEqual([{ adminToken: [] }]);
    expect(doc.paths['/health'].get.security).toEqual([]);
  });
});
