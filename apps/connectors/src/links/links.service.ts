import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  CONFIG,
  digestLinkToken,
  encodeStorageId,
  ForbiddenError,
  generateLinkToken,
  NotFoundError,
  objectList,
  type MessageMeta,
  type ObjectList,
  type ParsedRequestOf,
  type LinkCreate,
  type LinkList,
  type LinkUpdate,
  type PublicLink,
  type ResolvedLink,
} from '@app/common';
import type { ConnectorsConfig } from '../connectors.config';
import { AccountConnectors } from '../storage/account-connectors';
import { accountScopeOf, fileRefOf } from '../storage/file-ref';
import type { LinkEntity } from './link.entity';
import { LinkTokenBox } from './link-token-box';
import { LinksRepository } from './links.repository';

/**
 * Shared links to files. The token is made here, stored sealed and found by its
 * SHA-256; passwords arrive already hashed by the gateway. Whether a link may be
 * served (active, not expired) is decided here, once, for every gateway.
 */
@Injectable()
export class LinksService {
  private readonly tokens: LinkTokenBox;

  constructor(private readonly accounts: AccountConnectors, private readonly links: LinksRepository, @Inject(CONFIG) config: ConnectorsConfig) {
    this.tokens = new LinkTokenBox(config.CREDENTIALS_TRANSPORT_KEY);
  }

  /** @throws NotFoundError when the file does not exist (or the account is not the app's) */
  async create(meta: MessageMeta, input: ParsedRequestOf<typeof LinkCreate>): Promise<PublicLink> {
    const file = await fileRefOf(this.accounts, meta, input.fileId);
    const token = generateLinkToken();
    const now = new Date();
    const link = await this.links.insert({
      id: randomUUID(), appId: file.appId, accountId: file.accountId, path: file.path,
      tokenDigest: digestLinkToken(token), tokenSealed: this.tokens.seal(token),
      direct: input.direct, active: input.active, expiresAt: input.expiration === null ? null : new Date(input.expiration),
      passwordHash: input.passwordHash, createdAt: now, modifiedAt: now,
    });
    return this.view(link, input.publicBase);
  }

  async list(meta: MessageMeta, input: ParsedRequestOf<typeof LinkList>): Promise<ObjectList<PublicLink>> {
    const scope = accountScopeOf(meta);
    await this.accounts.get(meta, scope.accountId); // 404 for an account that is not the app's
    const { rows, hasMore } = await this.links.page(scope, { active: input.active }, input.page, input.pageSize);
    if (rows.length === 0 && input.page > 1) throw new NotFoundError(`Page ${input.page} is past the last page.`);
    return objectList('storage', rows.map((r) => this.view(r, input.publicBase)), input.page, hasMore);
  }

  async get(meta: MessageMeta, id: string, publicBase: string): Promise<PublicLink> {
    return this.view(await this.require(meta, id), publicBase);
  }

  async update(meta: MessageMeta, input: ParsedRequestOf<typeof LinkUpdate>): Promise<PublicLink> {
    const link = await this.require(meta, input.id);
    if (input.active !== undefined) link.active = input.active;
    if (input.expiration !== undefined) link.expiresAt = input.expiration === null ? null : new Date(input.expiration);
    if (input.passwordHash !== undefined) link.passwordHash = input.passwordHash;
    link.modifiedAt = new Date();
    return this.view(await this.links.save(link), input.publicBase);
  }

  async delete(meta: MessageMeta, id: string): Promise<{ deleted: true }> {
    if (!(await this.links.delete(accountScopeOf(meta), id))) throw notFound(id);
    return { deleted: true };
  }

  /**
   * The link behind a public URL's token digest.
   * @throws NotFoundError unknown or inactive; ForbiddenError expired
   */
  async resolve(tokenDigest: string, now = new Date()): Promise<ResolvedLink> {
    const link = await this.links.byTokenDigest(tokenDigest);
    if (!link || !link.active) throw new NotFoundError('This link does not exist or is no longer active.');
    if (link.expiresAt && link.expiresAt <= now) throw new ForbiddenError('This link has expired.');
    return { id: link.id, appId: link.appId, accountId: link.accountId, fileId: encodeStorageId(link.path), direct: link.direct, passwordHash: link.passwordHash };
  }

  private async require(meta: MessageMeta, id: string): Promise<LinkEntity> {
    const link = await this.links.find(accountScopeOf(meta), id);
    if (!link) throw notFound(id);
    return link;
  }

  private view(link: LinkEntity, publicBase: string): PublicLink {
    return {
      id: link.id,
      file_id: encodeStorageId(link.path),
      url: `${publicBase.replace(/\/+$/, '')}/v1/links/${this.tokens.open(link.tokenSealed)}`,
      account: link.accountId,
      active: link.active,
      created: link.createdAt.toISOString(),
      modified: link.modifiedAt.toISOString(),
      expiration: link.expiresAt?.toISOString() ?? null,
      password: link.passwordHash !== null,
      direct: link.direct,
      api: 'storage',
      type: 'link',
    };
  }
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`No link with id "${id}".`);
}
