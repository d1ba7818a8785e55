import { CreateAccounts1763900000000 } from './1763900000000-create-accounts';
import { CreateAccessTokens1764000000000 } from './1764000000000-create-access-tokens';
import { CreateOAuthFlow1764000000001 } from './1764000000001-create-oauth-flow';
import { OAuthPopupAndAppClients1764100000000 } from './1764100000000-oauth-popup-and-app-clients';

/** Every migration of the auth schema, oldest first. */
export const authMigrations = [CreateAccounts1763900000000, CreateAccessTokens1764000000000, CreateOAuthFlow1764000000001, OAuthPopupAndAppClients1764100000000];
