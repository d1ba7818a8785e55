import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { CONFIG, NotFoundError, OAUTH_SERVICE_NAMES, SecretBox, type OAuthServiceName, type PublicOAuthClient } from '@app/common';
import type { AuthConfig } from '../auth.config';
import { AppOAuthClientEntity } from './app-oauth-client.entity';
import { providerDefaults, resolveProviders, type OAuthProvider } from './oauth-providers';


/**
 * Which OAuth client an app's connect flow and refreshes use for a service:
 * the app's own (set through the admin API, secret sealed) when it brought
 * one, else the deployment's (OAUTH_PROVIDERS_JSON). Endpoints come from the
 * deployment's settings for the service, else the provider's published ones.
 */
@Injectable()
export class OAuthClients {
  private readonly deployment: Partial<Record<OAuthServiceName, OAuthProvider>>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly secrets: SecretBox,
    @Inject(CONFIG) config: AuthConfig,
  ) {
    this.deployment = resolveProviders(config.OAUTH_PROVIDERS_JSON);
  }

  /** The provider settings for `appId` and `service`, or undefined when the service cannot be connected for it. */
  async providerFor(appId: string, service: OAuthServiceName, manager: EntityManager = this.db.manager): Promise<OAuthProvider | undefined> {
    const own = await manager.getRepository(AppOAuthClientEntity).findOneBy({ appId, service });
    const base = this.deployment[service];
    if (!own) return base;
    return { ...(base ?? providerDefaults(service)), clientId: own.clientId, clientSecret: this.secrets.open<string>(own.clientSecretSealed) };
  }

  /** Services the app can connect: configured for the deployment or with a client of its own. */
  async servicesFor(appId: string): Promise<OAuthServiceName[]> {
    const own = new Set((await this.db.getRepository(AppOAuthClientEntity).findBy({ appId })).map((c) => c.service));
    return OAUTH_SERVICE_NAMES.filter((s) => this.deployment[s] || own.has(s));
  }

  async set(appId: string, service: OAuthServiceName, clientId: string, clientSecret: string): Promise<PublicOAuthClient> {
    await this.db.getRepository(AppOAuthClientEntity).upsert(
      { appId, service, clientId, clientSecretSealed: this.secrets.seal(clientSecret) },
      { conflictPaths: ['appId', 'service'] },
    );
    return toPublic((await this.db.getRepository(AppOAuthClientEntity).findOneByOrFail({ appId, service })));
  }

  async list(appId: string): Promise<PublicOAuthClient[]> {
    return (await this.db.getRepository(AppOAuthClientEntity).find({ where: { appId }, order: { service: 'ASC' } })).map(toPublic);
  }

  /** Back to the deployment's client. Accounts connected with the app's client need reconnecting then. */
  async remove(appId: string, service: OAuthServiceName): Promise<{ deleted: true }> {
    const { affected } = await this.db.getRepository(AppOAuthClientEntity).delete({ appId, service });
    if (!affected) throw new NotFoundError(`The app has no ${service} client of its own.`);
    return { deleted: true };
  }
}

function toPublic(row: AppOAuthClientEntity): PublicOAuthClient {
  return { service: row.service as OAuthServiceName, client_id: row.clientId, created: row.createdAt.toISOString(), modified: row.updatedAt.toISOString() };
}
