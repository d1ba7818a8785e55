import { Inject, Injectable } from '@nestjs/common';
import {
  CapabilitiesGet, FORM_SERVICE_NAMES, NotFoundError, objectList, OAuthServices, RPC_CLIENT, RpcClient, type ObjectList,
} from '@app/common';
import { AppService } from '../apps/app.service';
import { SERVICE_LABELS } from '../oauth/connect-form.fields';
import { serviceCapabilities, type ServiceCapabilities } from './service-capabilities';

/** A service as `GET /v1/public/services` lists it (the fields the File Picker reads: name, friendly_name, logo_url, properties). */
export interface PublicService {
  id: string;
  name: string;
  friendly_name: string;
  logo_url: string | null;
  /** `object_store` for buckets and containers, else `file_store` (the picker's default filter). */
  category: 'object_store' | 'file_store';
  /** How a user connects it: a provider's sign-in, or our connect form. */
  auth_type: 'oauth2' | 'credentials';
  apis: string[];
  api: 'meta';
  type: 'service';
  properties?: { capabilities: ServiceCapabilities };
}

const OBJECT_STORES = new Set(['s3', 's3_compatible', 'azure']);
/** Capabilities follow from the code of a service's connector: they change with a deployment, not with a request. */
const CAPABILITIES_TTL_MS = 5 * 60_000;

/**
 * The services an app's users can connect here: every credential-based service
 * of the connect form, and each OAuth service configured for the deployment or
 * given a client by the app (auth knows which).
 */
@Injectable()
export class PublicServicesService {
  private readonly capabilities = new Map<string, { value: Promise<ServiceCapabilities>; expires: number }>();

  constructor(@Inject(RPC_CLIENT) private readonly rpc: RpcClient, private readonly apps: AppService) {}

  async list(appId: string, requestId: string, withProperties: boolean): Promise<ObjectList<PublicService>> {
    await this.requireApp(appId);
    const meta = { requestId, appId };
    const { services: oauth } = await this.rpc.call(OAuthServices, meta, {});
    const names: Array<[string, PublicService['auth_type']]> = [...oauth.map((s) => [s, 'oauth2'] as [string, 'oauth2']), ...FORM_SERVICE_NAMES.map((s) => [s, 'credentials'] as [string, 'credentials'])];
    const services = await Promise.all(names.map(async ([name, authType]): Promise<PublicService> => ({
      id: name, name, friendly_name: SERVICE_LABELS[name] ?? name, logo_url: null,
      category: OBJECT_STORES.has(name) ? 'object_store' : 'file_store', auth_type: authType, apis: ['storage'], api: 'meta', type: 'service',
      ...(withProperties ? { properties: { capabilities: await this.capabilitiesOf(name, requestId, appId) } } : {}),
    })));
    return objectList('meta', services, 1, false);
  }

  /** What the picker asks at start: per-app settings shown in it (none yet). */
  async pickerConfig(appId: string): Promise<{ user_data: Record<string, never> }> {
    await this.requireApp(appId);
    return { user_data: {} };
  }

  private async requireApp(appId: string): Promise<void> {
    if (!(await this.apps.exists(appId))) throw new NotFoundError('app_id does not name an app.');
  }

  private capabilitiesOf(service: string, requestId: string, appId: string): Promise<ServiceCapabilities> {
    const hit = this.capabilities.get(service);
    if (hit && hit.expires > Date.now()) return hit.value;
    const value = this.rpc.call(CapabilitiesGet, { requestId, appId }, { service }).then((r) => serviceCapabilities(r.capabilities));
    // A failed call is not kept: the next request asks again.
    value.catch(() => this.capabilities.delete(service));
    this.capabilities.set(service, { value, expires: Date.now() + CAPABILITIES_TTL_MS });
    return value;
  }
}
