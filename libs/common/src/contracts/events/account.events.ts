import type { PublicAccount } from '../public-objects';
import { TOPICS } from '../topics';

export const ACCOUNT_CONNECTED = TOPICS.events.accountConnected;
export const ACCOUNT_DELETED = TOPICS.events.accountDeleted;

export interface AccountConnectedData {
  account: PublicAccount;
}
export interface AccountDeletedData {
  account: PublicAccount;
}

export const ACCOUNT_REAUTH_REQUIRED = TOPICS.events.accountReauthRequired;

/** The stored credentials stopped working (revoked, expired refresh token): the user must reconnect. */
export interface AccountReauthRequiredData {
  account: PublicAccount;
  /** Why, in words a person can act on (e.g. "The refresh token was revoked."). */
  reason: string;
}
