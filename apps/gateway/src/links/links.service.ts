import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { CONFIG, LinkCreate, LinkDelete, LinkGet, LinkList, LinkUpdate, RPC_CLIENT, RpcClient, type MessageMeta, type ObjectList, type PublicLink } from '@app/common';
import type { GatewayConfig } from '../gateway.config';
import { publicBaseOf } from '../http/public-base';
import type { PagingQuery } from '../http/paging-query';
import type { CreateLinkBody, UpdateLinkBody } from './link-bodies';
import { hashLinkPassword } from './link-password';

type AccountMeta = MessageMeta & { accountId: number };

/**
 * The links API: links live in the connectors service (ADR 0010). Passwords are
 * hashed here, so they never cross the broker; each link's `url` is built on
 * this gateway's public address.
 */
@Injectable()
export class LinksService {
  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient, @Inject(CONFIG) private readonly config: GatewayConfig) {}

  async create(meta: AccountMeta, body: CreateLinkBody, req: Request): Promise<PublicLink> {
    const passwordHash = body.password === null ? null : await hashLinkPassword(body.password);
    return this.rpc.call(LinkCreate, meta, {
      fileId: body.fileId, direct: body.direct, active: body.active, expiration: body.expiration, passwordHash, publicBase: publicBaseOf(this.config, req),
    });
  }

  list(meta: AccountMeta, query: PagingQuery & { active?: boolean }, req: Request): Promise<ObjectList<PublicLink>> {
    return this.rpc.call(LinkList, meta, { page: query.page, pageSize: query.pageSize, active: query.active, publicBase: publicBaseOf(this.config, req) });
  }

  get(meta: AccountMeta, id: string, req: Request): Promise<PublicLink> {
    return this.rpc.call(LinkGet, meta, { id, publicBase: publicBaseOf(this.config, req) });
  }

  async update(meta: AccountMeta, id: string, body: UpdateLinkBody, req: Request): Promise<PublicLink> {
    const passwordHash = body.password === undefined || body.password === null ? body.password : await hashLinkPassword(body.password);
    return this.rpc.call(LinkUpdate, meta, { id, active: body.active, expiration: body.expiration, passwordHash, publicBase: publicBaseOf(this.config, req) });
  }

  async remove(meta: AccountMeta, id: string): Promise<void> {
    await this.rpc.call(LinkDelete, meta, { id });
  }
}
