import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/common';
import { digestKey, generateApiKey, generateAppId } from './api-key';
import { AppRepository } from './app.repository';
import type { RegisteredUriKind } from './redirect-uri.entity';

const KEY_CACHE_MS = 30_000;

@Injectable()
export class AppService {
  /** digest → app id, so a burst of requests with one key costs one query. Revocation takes effect within KEY_CACHE_MS. */
  private readonly keyCache = new Map<string, { appId: string | null; expires: number }>();

  constructor(private readonly apps: AppRepository) {}

  async create(name: string): Promise<{ id: string; name: string; api_key: string; api: 'meta'; type: 'application' }> {
    const apiKey = generateApiKey();
    const app = await this.apps.createWithKey({ id: generateAppId(), name }, { keySha256: digestKey(apiKey), keyPrefix: apiKey.slice(0, 8) });
    return { id: app.id, name: app.name, api_key: apiKey, api: 'meta', type: 'application' };
  }

  /** The app id an API key belongs to, or null. */
  async appIdForKey(apiKey: string): Promise<string | null> {
    const digest = digestKey(apiKey);
    const hit = this.keyCache.get(digest);
    if (hit && hit.expires > Date.now()) return hit.appId;
    const appId = await this.apps.findAppIdByKeyDigest(digest);
    if (this.keyCache.size > 10_000) this.keyCache.clear();
    this.keyCache.set(digest, { appId, expires: Date.now() + KEY_CACHE_MS });
    return appId;
  }

  /** Replaces the redirect URIs (or the popup flow's origins) registered for the app's OAuth flows. @throws NotFoundError */
  async setRegistered(appId: string, kind: RegisteredUriKind, uris: string[]): Promise<string[]> {
    await this.requireApp(appId);
    await this.apps.setRegistered(appId, kind, [...new Set(uris)]);
    return this.apps.registered(appId, kind);
  }

  async registered(appId: string, kind: RegisteredUriKind): Promise<string[]> {
    await this.requireApp(appId);
    return this.apps.registered(appId, kind);
  }

  exists(appId: string): Promise<boolean> {
    return this.apps.exists(appId);
  }

  /** The apps that registered `uri` as a redirect URI or (File Picker) origin. */
  appsRegistering(kind: RegisteredUriKind, uri: string): Promise<string[]> {
    return this.apps.appsRegistering(kind, uri);
  }

  /** Exact match against the app's registered URIs (RFC 6749 §3.1.2.3) or origins; false for an unknown app. */
  isRegistered(appId: string, kind: RegisteredUriKind, uri: string): Promise<boolean> {
    return this.apps.isRegistered(appId, kind, uri);
  }

  private async requireApp(appId: string) {
    if (!(await this.apps.exists(appId))) throw new NotFoundError(`App ${appId.slice(0, 64)} was not found.`);
  }
}
