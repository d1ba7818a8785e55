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

export const ACCOUNT_TOKEN_REFRESHED = TOPICS.events.accountTokenRefreshed;
export const ACCOUNT_REFRESH_FAILED = TOPICS.events.accountRefreshFailed;
export const ACCOUNT_RECOVERED = TOPICS.events.accountRecovered;

/** The account's access token was refreshed (never carries a token): connectors drop what they cached. */
export interface AccountTokenRefreshedData {
  account: PublicAccount;
  /** ISO time the new access token expires, when the provider said. */
  expires: string | null;
}

/** A refresh failed for a reason that may pass (provider down, timeout); the account stays active. */
export interface AccountRefreshFailedData {
  account: PublicAccount;
  reason: string;
}

/** An account that needed re-authorization was connected again and works. */
export interface AccountRecoveredData {
  account: PublicAccount;
}
