import type { AccountCredentials } from '../contracts/auth/account.contract';
import type { MessageMeta } from '../contracts/envelope';
import { AppError } from '../errors';
import { SecretBox } from './secret-box';

/** What auth answers on `auth.account.credentials` and `auth.oauth.refresh`: the config sealed for the connectors service. */
export interface SealedCredentials {
  accountId: number;
  service: AccountCredentials['service'];
  /** SecretBox of `{ bind, expiresAt, config }` under CREDENTIALS_TRANSPORT_KEY. */
  sealed: string;
}

interface Envelope {
  bind: { requestId: string; appId: string; accountId: number };
  expiresAt: number;
  config: Record<string, unknown>;
}

/**
 * Credentials never cross the broker in clear: auth seals each reply with a key
 * only auth and connectors hold (CREDENTIALS_TRANSPORT_KEY), bound to the
 * request it answers (request id, app, account) and valid for a short time, so
 * a reply read off the broker is useless, and one replayed for another request
 * or account is refused.
 */
export class CredentialsTransport {
  private readonly box: SecretBox;

  constructor(base64Key: string, private readonly ttlMs = 60_000) {
    this.box = new SecretBox(base64Key);
  }

  seal(meta: Pick<MessageMeta, 'requestId' | 'appId'>, creds: AccountCredentials): SealedCredentials {
    const envelope: Envelope = {
      bind: { requestId: meta.requestId, appId: meta.appId, accountId: creds.accountId },
      expiresAt: Date.now() + this.ttlMs,
      config: creds.config,
    };
    return { accountId: creds.accountId, service: creds.service, sealed: this.box.seal(envelope) };
  }

  /** @throws AppError bad_gateway when the reply cannot be opened or answers another request */
  open(meta: Pick<MessageMeta, 'requestId' | 'appId'>, reply: SealedCredentials): AccountCredentials {
    let envelope: Envelope;
    try {
      envelope = this.box.open<Envelope>(reply.sealed);
    } catch {
      throw new AppError('bad_gateway', 'The credentials reply could not be opened (CREDENTIALS_TRANSPORT_KEY differs between auth and connectors?).');
    }
    const { bind } = envelope;
    if (bind.requestId !== meta.requestId || bind.appId !== meta.appId || bind.accountId !== reply.accountId || envelope.expiresAt < Date.now()) {
      throw new AppError('bad_gateway', 'The credentials reply does not answer this request.');
    }
    return { accountId: reply.accountId, service: reply.service, config: envelope.config };
  }
}
