import { randomBytes } from 'node:crypto';
import { AppError, digestLinkToken, encodeStorageId, type MessageMeta } from '@app/common';
import type { ConnectorsConfig } from '../connectors.config';
import type { AccountConnectors } from '../storage/account-connectors';
import type { LinkEntity } from './link.entity';
import type { LinksRepository } from './links.repository';
import { LinksService } from './links.service';

/** LinksService over an in-memory repository and a connector whose every locator is a file. */
function make() {
  const rows: LinkEntity[] = [];
  const repo = {
    insert: async (l: LinkEntity) => (rows.push({ ...l }), l),
    byTokenDigest: async (d: string) => rows.find((r) => r.tokenDigest === d) ?? null,
    find: async (s: { appId: string; accountId: number }, id: string) => rows.find((r) => r.appId === s.appId && r.accountId === s.accountId && r.id === id) ?? null,
    save: async (l: LinkEntity) => l,
  } as unknown as LinksRepository;
  const connector = { stat: async (locator: string) => ({ kind: 'file', locator, parent: '', name: locator }) };
  const accounts = { get: async () => connector } as unknown as AccountConnectors;
  const service = new LinksService(accounts, repo, { CREDENTIALS_TRANSPORT_KEY: randomBytes(32).toString('base64') } as ConnectorsConfig);
  return { service, rows };
}

const meta: MessageMeta = { requestId: 'r', appId: 'app-a', accountId: 7 };
const base = 'https://files.example.com/';
const input = { fileId: encodeStorageId('docs/a.txt'), direct: false, active: true, expiration: null, passwordHash: null, publicBase: base };
const tokenOf = (url: string) => url.split('/').pop()!;
const codeOf = async (p: Promise<unknown>) => p.then(() => 'served', (err: AppError) => err.code);

describe('LinksService', () => {
  it('answers a Link object whose url carries a fresh token, stored only as digest and sealed', async () => {
    const { service, rows } = make();
    const link = await service.create(meta, { ...input, passwordHash: 'scrypt$16384$8$1$salt$hash' });
    expect(link).toMatchObject({ file_id: input.fileId, account: 7, active: true, direct: false, password: true, expiration: null, api: 'storage', type: 'link' });
    expect(link.url).toMatch(/^https:\/\/files\.example\.com\/v1\/links\/[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(link.url);
    expect(rows[0].tokenDigest).toBe(digestLinkToken(token));
    expect(rows[0].tokenSealed).not.toContain(token);
    expect((await service.get(meta, link.id, base)).url).toBe(link.url);
  });

  it('resolves an active link by its digest, for the app and account it belongs to', async () => {
    const { service } = make();
    const link = await service.create(meta, input);
    expect(await service.resolve(digestLinkToken(tokenOf(link.url)))).toEqual({
      id: link.id, appId: 'app-a', accountId: 7, fileId: input.fileId, direct: false, passwordHash: null,
    });
    expect(await codeOf(service.resolve(digestLinkToken('another token')))).toBe('not_found');
  });

  it('refuses an inactive link with not_found and an expired one with forbidden', async () => {
    const { service } = make();
    const inactive = await service.create(meta, { ...input, active: false });
    const expired = await service.create(meta, { ...input, expiration: '2020-01-01T00:00:00.000Z' });
    const later = await service.create(meta, { ...input, expiration: '2030-01-01T00:00:00.000Z' });
    expect(await codeOf(service.resolve(digestLinkToken(tokenOf(inactive.url))))).toBe('not_found');
    expect(await codeOf(service.resolve(digestLinkToken(tokenOf(expired.url))))).toBe('forbidden');
    expect(await codeOf(service.resolve(digestLinkToken(tokenOf(later.url)), new Date('2029-12-31T23:59:59Z')))).toBe('served');
    expect(await codeOf(service.resolve(digestLinkToken(tokenOf(later.url)), new Date('2030-01-01T00:00:00Z')))).toBe('forbidden');
  });

  it("never finds another app's or account's link by id", async () => {
    const { service } = make();
    const link = await service.create(meta, input);
    expect(await codeOf(service.get({ ...meta, appId: 'app-b' }, link.id, base))).toBe('not_found');
    expect(await codeOf(service.update({ ...meta, accountId: 8 }, { id: link.id, active: false, publicBase: base }))).toBe('not_found');
  });
});
