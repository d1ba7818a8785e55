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
